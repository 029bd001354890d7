let lastMs = 0;
let sequence = 0;

/**
 * A message id: unique, and sortable by creation time as plain strings, across processes:
 * `<ms since epoch, 9 base-36 digits><sequence, 3 digits>-<pid>-<random>`, e.g.
 * `0mx9krfx0000-mgh-0c0kb0`. Ids from one process keep their order within a millisecond.
 */
export function newMessageId(nowMs: number = Date.now()): string {
  if (nowMs === lastMs) sequence += 1;
  else {
    lastMs = nowMs;
    sequence = 0;
  }
  const time = nowMs.toString(36).padStart(9, '0');
  const seq = sequence.toString(36).padStart(3, '0');
  const random = Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${time}${seq}-${process.pid.toString(36)}-${random}`;
}

export const MESSAGE_ID_PATTERN = /^[0-9a-z]{12}-[0-9a-z]{1,8}-[0-9a-z]{6}$/;

export function isMessageId(value: string): boolean {
  return MESSAGE_ID_PATTERN.test(value);
}
