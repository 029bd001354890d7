import { acquireLock, type HeldLock } from '../../core/lock/file-lock.js';
import { isIapeerError } from '../../core/errors.js';

/**
 * Sessions open at once over one host's master, across every iapeer process here. sshd refuses
 * a connection's session past its MaxSessions (10 by default), so calls beyond this wait for a
 * slot instead of failing, however many peers or processes call.
 */
export const SESSION_SLOTS = 8;

const TRY_ONCE = { staleMs: 10_000, waitMs: 0 } as const;

/**
 * Takes one of the host's session slots (a lock file each, beside its control socket): a free
 * one if any, else a place in the line of one slot (no polling: the lock's line wakes it);
 * undefined when its line did not move within `waitMs`.
 */
export async function takeSessionSlot(controlPath: string, waitMs: number): Promise<HeldLock | undefined> {
  const slot = (index: number) => `${controlPath}.slot${index % SESSION_SLOTS}`;
  // Start at a different slot in each process, so that contenders spread over them.
  const offset = process.pid % SESSION_SLOTS;
  for (let i = 0; i < SESSION_SLOTS; i++) {
    try {
      return await acquireLock(slot(offset + i), slot(offset + i), TRY_ONCE);
    } catch (error) {
      if (!isIapeerError(error) || error.code !== 'ELOCK') throw error;
    }
  }
  try {
    return await acquireLock(slot(offset), slot(offset), { staleMs: TRY_ONCE.staleMs, waitMs });
  } catch (error) {
    if (isIapeerError(error) && error.code === 'ELOCK') return undefined;
    throw error;
  }
}
