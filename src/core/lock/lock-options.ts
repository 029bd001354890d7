/** What a waiter is told: that it waits (once), and any takeover of an abandoned lock. */
export type LockWaitEvent =
  | { readonly kind: 'waiting'; readonly holderPid: number | undefined }
  | { readonly kind: 'took-over'; readonly holderPid: number | undefined; readonly reason: 'dead' | 'stale' };

export interface LockOptions {
  /** A lock whose mtime is older than this is abandoned and may be taken over. */
  readonly staleMs: number;
  /**
   * Give up when the lock has not changed hands, nor the line of waiters moved, for this
   * long: a long line that moves is waited out, a holder that hangs is not. 0 tries once.
   */
  readonly waitMs: number;
  readonly onWait?: (event: LockWaitEvent) => void;
  /** How long a wait stays silent before `onWait` hears of it. */
  readonly noticeAfterMs?: number;
  /** Test seam: runs between seeing an abandoned lock (stale, or its holder dead) and claiming its takeover. */
  readonly afterAbandonedSeen?: () => Promise<void>;
}

export function tell(options: LockOptions, event: LockWaitEvent): void {
  try {
    options.onWait?.(event);
  } catch {
    // A notice that cannot be shown never fails the operation.
  }
}
