import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../keys.js';
import type { LimitPort } from '../port.js';
import { countInWindow, DAY_WINDOW_MS, PAGE_BUDGET_WINDOW_MS, type WindowEntry } from '../window.js';
import type { Table } from './table.js';

/** When a day's claim may go (epoch seconds): two days after the day began in UTC, so after it ended in any zone. */
const dayExpiry = (day: string) => Math.floor(Date.parse(day) / 1000) + 2 * 86_400;

/** The budgets (an attorney's referrals per day, doctor pages per hour), once-per-period alerts and the daily SMS claims. */
export function dynamoLimits(t: Table): LimitPort {
  /**
   * A rolling-window counter: one item lists what was counted in the window, so the limit holds over any
   * rolling window and under concurrency (optimistic version check, retried).
   */
  type Key = { pk: string; sk: string };
  const read = async (key: Key) => (await t.db.send(new GetCommand({ TableName: t.name, Key: key, ConsistentRead: true }))).Item;
  /** `first`: the counter as read before (a failed read is made again); a version check catches a change since. */
  const take = async (key: Key, id: string, n: number, limit: number, windowMs: number, now: Date, first?: ReturnType<typeof read>) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const Item = attempt === 0 && first ? await first.catch(() => read(key)) : await read(key);
      const counted = countInWindow((Item?.entries ?? []) as WindowEntry[], { id, n, limit, windowMs, now });
      if (!counted.entries) return counted.fits;
      const version = (Item?.version as number | undefined) ?? 0;
      const written = await t.ifCondition(() =>
        t.db.send(
          new PutCommand({
            TableName: t.name,
            Item: { ...key, entries: counted.entries, version: version + 1 },
            ConditionExpression: Item ? 'version = :v' : 'attribute_not_exists(pk)',
            ExpressionAttributeValues: Item ? { ':v': version } : undefined,
          }),
        ),
      );
      if (written) return true;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * Math.min(attempt + 1, 5)));
    }
    throw new Error('rolling window counter kept changing under us');
  };

  return {
    dailySlot(counter, owner) {
      const key = keys.dailyWindow(counter, owner);
      const first = read(key);
      first.catch(() => {}); // a slot never taken leaves no unhandled rejection; `take` reads again
      return { take: (id, limit, now) => take(key, id, 1, limit, DAY_WINDOW_MS, now, first) };
    },
    takePageBudget: (id, pages, limit, now) => take(keys.pageBudget(), id, pages, limit, PAGE_BUDGET_WINDOW_MS, now),
    claimAlert: (name, now, periodMs) => t.claimOnce(keys.alert(name), now, periodMs),
    releaseAlert: (name, claimedAt) => t.releaseClaim(keys.alert(name), claimedAt),
    claimDailySms: (kind, phone, day, holder) =>
      t.ifCondition(() =>
        t.db.send(
          new PutCommand({
            TableName: t.name,
            Item: { ...keys.dailySms(kind, phone, day), holder, ttl: dayExpiry(day) },
            ConditionExpression: 'attribute_not_exists(pk) OR holder = :holder',
            ExpressionAttributeValues: { ':holder': holder },
          }),
        ),
      ),
  };
}
