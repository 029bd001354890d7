let issued = 0;

/**
 * A name part unique to this process and call: pid, a counter and a random number, in
 * lower-case hex. Not a secret; node:crypto would cost every command 4 ms to load.
 */
export function uniqueSuffix(): string {
  issued += 1;
  const random = Math.floor(Math.random() * 2 ** 40)
    .toString(16)
    .padStart(10, '0');
  return `${process.pid}.${issued.toString(16)}${random}`;
}
