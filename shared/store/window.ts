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
  const live = liveEntries(entries, take.windowMs, take.now);
  if (live.some((e) => e.id === take.id)) return { fits: true };
  if (counted(live) + take.n > take.limit) return { fits: false };
  return { fits: true, entries: [...live, { id: take.id, at: take.now.toISOString(), n: take.n }] };
}

const liveEntries = (entries: WindowEntry[], windowMs: number, now: Date) => {
  const since = new Date(now.getTime() - windowMs).toISOString();
  return entries.filter((e) => e.at > since);
};
const counted = (entries: WindowEntry[]) => entries.reduce((sum, e) => sum + e.n, 0);
