import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  TrimmedDataAccessException,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { logger } from '../shared/logger.js';
import { matches, type FilterPattern } from '../shared/domain/lanes.js';
import { LOCAL_CREDENTIALS } from './dynamo.js';

/** Retries of a failing record before it is given up, as the lanes' event source mappings have (retryAttempts). */
const MAX_RETRIES = 5;
/** Records read per GetRecords call (the API's maximum). */
const READ_LIMIT = 1000;
/** Stream and shard list are looked up again after this long (new shards appear as old ones close). */
const DESCRIBE_TTL_MS = 1000;

type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
type LambdaRecord = DynamoDBStreamEvent['Records'][number];

export interface StreamPollerOptions {
  /** Names the lane in logs. */
  name: string;
  handler: StreamHandler;
  /** The event source mapping's filter criteria: only matching records reach the handler. */
  filters: FilterPattern[];
  /** Records per handler call (the mapping's batchSize). */
  batchSize: number;
  /** Pause between polls. */
  intervalMs: number;
  /** Keeps shard positions across restarts, so a restart does not replay the stream. */
  checkpointFile?: string;
  /** A record given up after its retries (the on-failure destination). */
  onGiveUp?: (record: { lane: string; sequenceNumber: string; referralId?: string }) => void;
}

/**
 * Feeds a table's stream to a handler the way a Lambda event source mapping with filter criteria
 * does: records in order per shard, only those matching a filter, in batches. A record the handler
 * reports failed (batchItemFailures) is retried alone, with backoff, up to MAX_RETRIES times, then
 * given up (in AWS it lands in the on-failure queue; the sweeper repairs either way); the rest of the
 * batch is not held back by it. Several pollers read one stream independently, each at its own pace.
 */
export class StreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private readonly iterators = new Map<string, string | undefined>();
  private readonly checkpoints = new Map<string, string>();
  private running = Promise.resolve(0);
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private paused = false;
  /** Bumped by pause(): a poll of an older generation stops between batches. */
  private generation = 0;
  private described?: { at: number; streamArn?: string; shards: string[] };

  constructor(
    private readonly dynamo: DynamoDBClient,
    endpoint: string,
    private readonly table: string,
    private readonly options: StreamPollerOptions,
  ) {
    this.streams = new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    const file = options.checkpointFile;
    if (file && existsSync(file)) {
      for (const [key, sequence] of Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)) {
        this.checkpoints.set(key, sequence);
      }
    }
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      void this.poll()
        .catch(() => 0)
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs);
        });
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /**
   * Stops handing records on (before the tables are emptied): the batch in flight finishes, no
   * further one starts. Does not wait for the backlog.
   */
  async pause(): Promise<void> {
    this.paused = true;
    this.generation++;
    await this.running.catch(() => 0);
  }

  /** Hands records on again after pause(), from where it stopped: what was written meanwhile is delivered too. */
  resume(): void {
    this.paused = false;
  }

  /**
   * While paused: reads past every record written so far without handing any on (data written
   * directly, as if stored before this runtime), then resumes at that position.
   */
  async skipPending(): Promise<void> {
    const generation = this.generation;
    for (let read = 1; read > 0; ) read = await this.pollOnce(generation, false);
    this.paused = false;
  }

  /** One pass over every shard; serialized so the timer's polls and settle() never overlap. Returns the records read. */
  poll(): Promise<number> {
    this.running = this.running.catch(() => 0).then(() => this.pollOnce(this.generation));
    return this.running;
  }

  private async pollOnce(generation: number, deliver = true): Promise<number> {
    if (this.paused && deliver) return 0;
    const { streamArn, shards } = await this.describe();
    if (!streamArn) return 0;
    let read = 0;
    for (const shardId of shards) {
      if (generation !== this.generation) break;
      const key = `${streamArn}/${shardId}`;
      if (!this.iterators.has(key)) this.iterators.set(key, await this.iterator(streamArn, shardId, this.checkpoints.get(key)));
      const iterator = this.iterators.get(key);
      if (!iterator) continue;
      let page: GetRecordsCommandOutput;
      try {
        page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: READ_LIMIT }));
      } catch (error) {
        // an iterator of a recreated table or one that timed out: start the shard again from its checkpoint
        if (
          !(
            error instanceof TrimmedDataAccessException ||
            error instanceof ExpiredIteratorException ||
            error instanceof ResourceNotFoundException
          )
        )
          throw error;
        this.iterators.delete(key);
        this.described = undefined;
        continue;
      }
      const { Records = [], NextShardIterator } = page;
      read += Records.length;
      // batches of matching records; the position is kept after each batch (as an event source mapping
      // checkpoints per batch), so a crash replays at most the batch in hand, not the whole page read
      let batch: LambdaRecord[] = [];
      for (const [i, record] of Records.entries()) {
        const lambdaRecord = toLambdaRecord(record, streamArn);
        if (this.options.filters.some((f) => matches(f, lambdaRecord))) batch.push(lambdaRecord);
        if (batch.length < this.options.batchSize && i < Records.length - 1) continue;
        if (deliver && batch.length) await this.deliver(batch, generation);
        if (generation !== this.generation) {
          // paused mid-page: the next read starts again after the last position kept
          this.iterators.delete(key);
          return read;
        }
        batch = [];
        this.checkpoints.set(key, record.dynamodb!.SequenceNumber!);
        this.saveCheckpoints();
      }
      this.iterators.set(key, NextShardIterator);
    }
    return read;
  }

  /** One batch to the handler; each record it reports failed is then retried alone. */
  private async deliver(batch: LambdaRecord[], generation: number): Promise<void> {
    const result = await this.invoke(batch);
    for (const sequenceNumber of result) {
      const record = batch.find((r) => r.dynamodb?.SequenceNumber === sequenceNumber);
      if (!record) continue;
      for (let attempt = 1; ; attempt++) {
        if (generation !== this.generation) return;
        if (attempt > MAX_RETRIES) {
          // as Lambda does after its retries: the record goes to the on-failure destination (here: the log)
          await logger.error('stream record given up after retries', { lane: this.options.name, sequenceNumber });
          const pk = record.dynamodb?.Keys?.pk?.S;
          this.options.onGiveUp?.({
            lane: this.options.name,
            sequenceNumber,
            referralId: pk?.startsWith('REF#') ? pk.slice(4) : undefined,
          });
          break;
        }
        // exponential backoff with full jitter, so records failing together are not retried together
        await new Promise((r) => setTimeout(r, Math.random() * 100 * 2 ** attempt));
        if ((await this.invoke([record])).length === 0) break;
      }
    }
  }

  /** Calls the handler; a thrown error fails the whole batch, as in Lambda. Returns the failed sequence numbers. */
  private async invoke(records: LambdaRecord[]): Promise<string[]> {
    try {
      const result = await this.options.handler({ Records: records });
      return (result?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
    } catch (error) {
      await logger.error('stream batch failed', { lane: this.options.name, errorName: (error as Error).name });
      return records.map((r) => r.dynamodb!.SequenceNumber!);
    }
  }

  private async describe(): Promise<{ streamArn?: string; shards: string[] }> {
    if (this.described && Date.now() - this.described.at < DESCRIBE_TTL_MS) return this.described;
    const { Table } = await this.dynamo.send(new DescribeTableCommand({ TableName: this.table }));
    const streamArn = Table?.LatestStreamArn;
    const shards: string[] = [];
    if (streamArn) {
      const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      shards.push(...(StreamDescription?.Shards ?? []).map((s) => s.ShardId!));
    }
    this.described = { at: Date.now(), streamArn, shards };
    return this.described;
  }

  private saveCheckpoints(): void {
    const file = this.options.checkpointFile;
    if (!file) return;
    // written aside, then renamed over: a kill mid-write leaves the previous checkpoint, never half a file
    writeFileSync(`${file}.tmp`, JSON.stringify(Object.fromEntries(this.checkpoints)));
    renameSync(`${file}.tmp`, file);
  }

  private async iterator(streamArn: string, shardId: string, after?: string): Promise<string | undefined> {
    try {
      const { ShardIterator } = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
          SequenceNumber: after,
        }),
      );
      return ShardIterator;
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException)) throw error;
      // records older than the stream keeps are gone in AWS too; read on from the newest
      const { ShardIterator } = await this.streams.send(
        new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'LATEST' }),
      );
      return ShardIterator;
    }
  }
}

/** Returns once every record written so far has been handled by every poller (work in one lane may feed another). */
export async function settleAll(pollers: StreamPoller[]): Promise<void> {
  for (let i = 0, quiet = 0; i < 200; i++) {
    const read = await Promise.all(pollers.map((p) => p.poll()));
    quiet = read.every((n) => n === 0) ? quiet + 1 : 0;
    if (quiet === 2) return;
  }
  throw new Error('stream did not settle');
}

function toLambdaRecord(record: _Record, streamArn: string): DynamoDBStreamEvent['Records'][number] {
  const d = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName as 'INSERT' | 'MODIFY' | 'REMOVE',
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: d.ApproximateCreationDateTime ? Math.floor(d.ApproximateCreationDateTime.getTime() / 1000) : undefined,
      Keys: d.Keys as never,
      NewImage: d.NewImage as never,
      OldImage: d.OldImage as never,
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
  };
}
