import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { keys } from '../keys.js';
import type { DailyCount, LimitPort } from '../port.js';
import { countInWindow, DAY_WINDOW_MS, PAGE_BUDGET_WINDOW_MS, type WindowEntry } from '../window.js';
import type { Table, TransactItems } from './table.js';

/** When a day's claim may go (epoch seconds): two days after the day began in UTC, so after it ended in any zone. */
const dayExpiry = (day: string) => Math.floor(Date.parse(day) / 1000) + 2 * 86_400;

type Key = { pk: string; sk: string };
type CounterItem = { entries?: WindowEntry[]; version?: number };

/**
 * A rolling-window counter: one item lists what was counted in the window, so the limit holds over any
 * rolling window and under concurrency. Two ways to count: `append` adds an entry without a read,
 * whatever was counted meanwhile, while the item holds fewer entries than the limit (stale ones too, so
 * it never lets more through); `count` reads, drops the stale entries and writes over the version read.
 * A write refused gets the counter back with the refusal, so counting again costs no extra read.
 */
export class WindowCounter {
  private latest?: Promise<CounterItem | undefined>;

  constructor(
    private readonly t: Table,
    private readonly key: Key,
    private readonly windowMs: number,
  ) {}

  /** An attorney's allowance in the rolling day. */
  static daily(t: Table, { counter, owner }: Pick<DailyCount, 'counter' | 'owner'>): WindowCounter {
    return new WindowCounter(t, keys.dailyWindow(counter, owner), DAY_WINDOW_MS);
  }

  private async read(): Promise<CounterItem | undefined> {
    return (await this.t.db.send(new GetCommand({ TableName: this.t.name, Key: this.key, ConsistentRead: true }))).Item;
  }

  /** The counter as last read, read now when it never was (a failed read is made again). */
  private current(): Promise<CounterItem | undefined> {
    this.latest ??= this.read();
    return this.latest.catch(() => (this.latest = this.read()));
  }

  /** A write over the last read was refused: `found` is the counter now (when the refusal carried it). */
  changed(found: Record<string, unknown> | undefined): void {
    this.latest = found ? Promise.resolve(found as CounterItem) : this.read();
  }

  /** The update that counts one for `id` without a read, refused once the item holds `limit` entries. */
  append(id: string, limit: number, now: Date): NonNullable<TransactItems[number]['Update']> {
    return {
      TableName: this.t.name,
      Key: this.key,
      UpdateExpression: 'SET entries = list_append(if_not_exists(entries, :none), :entry), version = if_not_exists(version, :zero) + :one',
      ConditionExpression: 'attribute_not_exists(entries) OR size(entries) < :limit',
      ExpressionAttributeValues: { ':none': [], ':entry': [{ id, at: now.toISOString(), n: 1 }], ':zero': 0, ':one': 1, ':limit': limit },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
  }

  /** Counting `n` for `id` by the last read: whether it fits, and the conditional put that counts it (none when `id` was counted before). */
  async count(id: string, n: number, limit: number, now: Date): Promise<{ fits: boolean; put?: PutCommandInput }> {
    const item = await this.current();
    const counted = countInWindow(item?.entries ?? [], { id, n, limit, windowMs: this.windowMs, now });
    if (!counted.entries) return { fits: counted.fits };
    const version = item?.version ?? 0;
    return {
      fits: true,
      put: {
        TableName: this.t.name,
        Item: { ...this.key, entries: counted.entries, version: version + 1 },
        ConditionExpression: item ? 'version = :v' : 'attribute_not_exists(pk)',
        ExpressionAttributeValues: item ? { ':v': version } : undefined,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  /** Counts `n` for `id` (once: a repeat is already counted): false when `limit` is reached. */
  async take(id: string, n: number, limit: number, now: Date): Promise<boolean> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const { fits, put } = await this.count(id, n, limit, now);
      if (!put) return fits;
      try {
        await this.t.db.send(new PutCommand(put));
        return true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // some other writer won this round: count again from what it wrote (each round someone wins)
        this.changed(error.Item && unmarshall(error.Item));
      }
    }
    throw new Error('rolling window counter kept changing under us');
  }
}

/** The budgets (an attorney's referrals per day, doctor pages per hour), once-per-period alerts and the daily SMS claims. */
export function dynamoLimits(t: Table): LimitPort {
  return {
    takePageBudget: (id, pages, limit, now) => new WindowCounter(t, keys.pageBudget(), PAGE_BUDGET_WINDOW_MS).take(id, pages, limit, now),
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
