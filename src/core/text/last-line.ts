/** The last line of `text` that says something, trimmed (lines may end in \n, \r\n or \r); '' if none does. */
export function lastLineOf(text: string): string {
  return (
    text
      .split(/\r\n|\r|\n/)
      .map((line) => line.trim())
      .findLast((line) => line !== '') ?? ''
  );
}
