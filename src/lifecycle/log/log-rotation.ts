/** When a log rotates (past `maxBytes`) and how many rotated files it keeps. */
export interface LogRotation {
  readonly maxBytes: number;
  readonly keep: number;
}

/** The name of rotated file `index`: `lifecycle.log.1` newest … `.N` oldest (see rotate-log.ts). */
export function rotatedName(file: string, index: number): string {
  return `${file}.${index}`;
}
