/** Delays between tries after a failure that may pass (ms): reads, token sources. The last one repeats. */
export const RETRY_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000];

/**
 * Between asks of a token source that failed (ms): no longer apart than the user check (5 s), so
 * that a sign-in after an outage or a sign-in page is noticed as soon as any other.
 */
export const TOKEN_RETRY_MS = [1000, 2000, 5000];

/** The wait (ms) before try `attempt + 1` (0-based) after such a failure: the last delay repeats. */
export const retryDelay = (delays = RETRY_DELAYS_MS, attempt: number): number => delays[Math.min(attempt, delays.length - 1)];
