/** A count and its noun in the right number: `1 tick`, `2 ticks`, `1 earlier message`. */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
