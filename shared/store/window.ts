/** Rolling-window counters (an attorney's referrals per day, doctor pages per hour), as both stores keep them. */

export const DAY_WINDOW_MS = 24 * 3_600_000;
export const PAGE_BUDGET_WINDOW_MS = 3_600_000;

/** One counted use: what (`id`), when, how many. */
export interface WindowEntry {
  id: string;
  at: string;
  n: number;
}

/**
 * Counts `n` for `id` among the entries of a rolling window ending `now`: `fits` when they stay within
 * `limit` (or `id` was counted before, which counts nothing again); `entries` is what to store then
 * (the live ones plus this one), absent when nothing changes.
 */
export function countInWindow(
  entries: WindowEntry[],
  take: { id: string; n: number; limit: number; windowMs: number; now: Date },
): { fits: boolean; entries?: WindowEntry[] } {
  const since = new Date(take.now.getTime() - take.windowMs).toISOString();
  const live = entries.filter((e) => e.at > since);
  if (live.some((e) => e.id === take.id)) return { fits: true };
  if (live.reduce((sum, e) => sum + e.n, 0) + take.n > take.limit) return { fits: false };
  return { fits: true, entries: [...live, { id: take.id, at: take.now.toISOString(), n: take.n }] };
}
