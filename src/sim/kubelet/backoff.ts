/**
 * The kubelet's back-off bookkeeping (client-go flowcontrol.Backoff): one entry per key holding the
 * current delay and when it was last bumped. `next` doubles the delay up to the cap; an entry not
 * bumped for twice the cap has expired and starts over from the initial delay. Crash-looping
 * containers and failing image pulls both use 10 s doubling to 300 s.
 *
 * Worked example (a container that exits every few seconds, restartPolicy Always):
 *   exit #1: no entry → not in back-off → restart at once; next() → 10 s
 *   exit #2: 10 s since the exit not yet passed → CrashLoopBackOff; after 10 s restart; next() → 20 s
 *   exit #3: wait 20 s; then 40 s, 80 s, 160 s, 300 s, 300 s…
 *   a run that lasts over 10 min (2 × cap) after its restart: the entry expired → restart at once.
 */
export interface BackoffEntry {
  /** Current delay, ms (already scaled by the simulation's timeScale). */
  delayMs: number;
  /** When the entry was last bumped, ms since the epoch. */
  updatedAt: number;
}

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** kubelet's container restart and image pull back-off: 10 s doubling to 5 min, scaled. */
export function kubeletBackoff(timeScale: number): BackoffPolicy {
  return { initialMs: 10_000 * timeScale, maxMs: 300_000 * timeScale };
}

/** flowcontrol's hasExpired: untouched for more than twice the cap. */
export function hasExpired(entry: BackoffEntry, now: number, policy: BackoffPolicy): boolean {
  return now - entry.updatedAt > 2 * policy.maxMs;
}

/** Backoff.Next: the first call (or after expiry) sets the initial delay, later ones double it. */
export function nextBackoff(entry: BackoffEntry | undefined, now: number, policy: BackoffPolicy): BackoffEntry {
  if (!entry || hasExpired(entry, now, policy)) return { delayMs: policy.initialMs, updatedAt: now };
  return { delayMs: Math.min(entry.delayMs * 2, policy.maxMs), updatedAt: now };
}

/** Backoff.IsInBackOffSince: still within the delay counted from `eventTime` (a container's exit). */
export function isInBackOffSince(entry: BackoffEntry | undefined, eventTime: number, now: number, policy: BackoffPolicy): boolean {
  if (!entry || hasExpired(entry, now, policy)) return false;
  return now - eventTime < entry.delayMs;
}
