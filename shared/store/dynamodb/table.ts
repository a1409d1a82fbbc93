import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
  TransactionInProgressException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { TryAgainError } from '../../domain/errors.js';
import { strip } from '../items.js';

/** Attempts of a transaction that meets contention, and the first backoff (doubling, with jitter). */
export const TRANSACT_ATTEMPTS = 6;
const TRANSACT_BACKOFF_MS = 25;
/** Cancellation reasons that decide nothing: the same transaction may succeed when tried again. */
const TRANSIENT_REASONS = new Set(['None', 'TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
const TRANSIENT_ERRORS = [
  ThrottlingException,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  TransactionConflictException,
  TransactionInProgressException,
  InternalServerError,
];

export type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;
type Key = { pk: string; sk: string };

/** Sends a batch, then what comes back unprocessed, with backoff (full jitter), until nothing does. */
async function untilProcessed<T>(what: string, first: T[], send: (pending: T[]) => Promise<T[] | undefined>): Promise<void> {
  let pending: T[] | undefined = first;
  for (let attempt = 0; pending?.length; attempt++) {
    if (attempt > 8) throw new Error(`${what} kept coming back unprocessed`);
    if (attempt) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt * Math.random()));
    pending = await send(pending);
  }
}

/** The single table and the plumbing every entity module of the DynamoDB store shares. */
export class Table {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  /** One item by key (strongly consistent), keys dropped. */
  async get<T>(key: Key): Promise<T | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true }));
    return Item ? strip<T>(Item) : undefined;
  }

  /** Up to 100 items by key at once (strongly consistent), keys dropped, in no particular order. */
  async getMany<T>(keys: Key[]): Promise<T[]> {
    const out: T[] = [];
    await untilProcessed('batch get', keys, async (pending) => {
      const result: BatchGetCommandOutput = await this.db.send(
        new BatchGetCommand({ RequestItems: { [this.name]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[this.name] ?? []) out.push(strip<T>(item));
      return result.UnprocessedKeys?.[this.name]?.Keys as Key[] | undefined;
    });
    return out;
  }

  async put(item: Record<string, unknown>): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.name, Item: item }));
  }

  async delete(key: Key): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.name, Key: key }));
  }

  /** Runs a conditional write: true when it was written, false when its condition failed. */
  async ifCondition(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Puts an item that must not exist yet; false when it does. */
  async putNew(item: Record<string, unknown>): Promise<boolean> {
    return this.ifCondition(() =>
      this.db.send(new PutCommand({ TableName: this.name, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
  }

  /**
   * Runs a transaction; returns the indexes of the items whose condition failed (empty: it was
   * written), each with the item found (for a write that asked for `ReturnValuesOnConditionCheckFailure`).
   * Only `ConditionalCheckFailed` decides anything; a cancel for a conflict or throttling, or a
   * throttled request, is tried again with backoff and then raises TryAgainError.
   */
  async transact(items: TransactItems): Promise<Map<number, Record<string, unknown> | undefined>> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return new Map();
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const reasons = error.CancellationReasons ?? [];
          const codes = reasons.map((r) => r.Code ?? 'None');
          const failed = new Map(
            reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [[i, r.Item && unmarshall(r.Item)] as const] : [])),
          );
          if (failed.size) return failed;
          if (!codes.length || !codes.every((c) => TRANSIENT_REASONS.has(c))) throw error;
        } else if (!TRANSIENT_ERRORS.some((type) => error instanceof type)) {
          throw error;
        }
        if (attempt >= TRANSACT_ATTEMPTS) throw new TryAgainError({ cause: error });
        await new Promise((r) => setTimeout(r, TRANSACT_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random())));
      }
    }
  }

  /** Every page of a query, keys dropped unless `keepKeys`. */
  async queryAll<T>(input: Omit<QueryCommandInput, 'TableName'>, keepKeys = false): Promise<T[]> {
    const out: T[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ ...input, TableName: this.name, ExclusiveStartKey }));
      for (const item of page.Items ?? []) out.push((keepKeys ? item : strip(item)) as T);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return out;
  }

  /** The items of a partition whose sort key starts with `prefix`, in sort key order. */
  async prefix<T>(pk: string, prefix: string, keepKeys = false): Promise<T[]> {
    return this.queryAll<T>(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
        ConsistentRead: true,
      },
      keepKeys,
    );
  }

  async batchWrite(requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string]): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      await untilProcessed('batch write', requests.slice(i, i + 25), async (pending) => {
        const result: BatchWriteCommandOutput = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.name]: pending } }));
        return result.UnprocessedItems?.[this.name];
      });
    }
  }

  /** Writes every item of a partition, then deletes the ones the new list no longer has (a roster, a directory). */
  async replacePartition(pk: string, items: (Record<string, unknown> & Key)[]): Promise<void> {
    const keep = new Set(items.map((i) => i.sk));
    const old = await this.queryAll<Key>(
      { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ProjectionExpression: 'pk, sk' },
      true,
    );
    await this.batchWrite([
      ...items.map((Item) => ({ PutRequest: { Item } })),
      ...old.filter((o) => !keep.has(o.sk)).map((o) => ({ DeleteRequest: { Key: { pk: o.pk, sk: o.sk } } })),
    ]);
  }

  /** Claims `key` for one caller per period: true for the one that wins, however many ask at once. */
  async claimOnce(key: Key, now: Date, periodMs: number): Promise<boolean> {
    return this.ifCondition(() =>
      this.db.send(
        new PutCommand({
          TableName: this.name,
          Item: { ...key, claimedAt: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR claimedAt <= :before',
          ExpressionAttributeValues: { ':before': new Date(now.getTime() - periodMs).toISOString() },
        }),
      ),
    );
  }

  /** Gives back the claim made at `claimedAt`; a newer claim stays. */
  async releaseClaim(key: Key, claimedAt: Date): Promise<void> {
    await this.ifCondition(() =>
      this.db.send(
        new DeleteCommand({
          TableName: this.name,
          Key: key,
          ConditionExpression: 'claimedAt = :at',
          ExpressionAttributeValues: { ':at': claimedAt.toISOString() },
        }),
      ),
    );
  }
}
