import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../keys.js';
import type { LimitPort } from '../port.js';
import { countInWindow, PAGE_BUDGET_WINDOW_MS, URGENT_WINDOW_MS, type WindowEntry } from '../window.js';
import type { Table } from './table.js';

/** When a day's claim may go (epoch seconds): two days after the day began in UTC, so after it ended in any zone. */
const dayExpiry = (day: string) => Math.floor(Date.parse(day) / 1000) + 2 * 86_400;

/** The budgets (a submitter's urgent referrals per day, doctor pages per hour), once-per-period alerts and the daily SMS claims. */
export function dynamoLimits(t: Table): LimitPort {
  /**
   * A rolling-window counter: one item lists what was counted in the window, so the limit holds over any
   * rolling window and under concurrency (optimistic version check, retried).
   */
  const take = async (key: { pk: string; sk: string }, id: string, n: number, limit: number, windowMs: number, now: Date) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const { Item } = await t.db.send(new GetCommand({ TableName: t.name, Key: key, ConsistentRead: true }));
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
    takeUrgentSlot: (email, id, limit, now) => take(keys.urgentWindow(email), id, 1, limit, URGENT_WINDOW_MS, now),
    takePageBudget: (id, pages, limit, now) => take(keys.pageBudget(), id, pages, limit, PAGE_BUDGET_WINDOW_MS, now),
    claimAlert: (name, now, periodMs) => t.claimOnce(keys.alert(name), now, periodMs),
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
