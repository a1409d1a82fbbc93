import {
  DescribeStreamCommand, DynamoDBStreamsClient, ExpiredIteratorException, GetRecordsCommand, GetShardIteratorCommand,
  ResourceNotFoundException, TrimmedDataAccessException, type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { logger } from '../shared/logger.js';
import { LOCAL_CREDENTIALS } from './dynamo.js';

/** Retries of a failing record before it is given up, as the dispatcher's event source mapping has (retryAttempts). */
const MAX_RETRIES = 5;

type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;

/**
 * Feeds a table's stream to a handler the way Lambda's event source mapping does: batches in order
 * per shard; a failed record (batchItemFailures) is retried with the ones after it, up to MAX_RETRIES
 * times, then given up (in AWS it lands in the on-failure queue; the sweeper repairs either way).
 */
export class StreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private readonly iterators = new Map<string, string | undefined>();
  private readonly checkpoints = new Map<string, string>();
  /** Failed attempts per record (sequence number). */
  private readonly failures = new Map<string, number>();
  private running = Promise.resolve(0);
  private timer?: NodeJS.Timeout;
  private stopped = false;

  /** `checkpointFile` keeps shard positions across restarts, so a restart does not replay the stream. */
  constructor(
    private readonly dynamo: DynamoDBClient,
    endpoint: string,
    private readonly table: string,
    private readonly handler: StreamHandler,
    private readonly checkpointFile?: string,
  ) {
    this.streams = new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    if (checkpointFile && existsSync(checkpointFile)) {
      for (const [key, sequence] of Object.entries(JSON.parse(readFileSync(checkpointFile, 'utf8')) as Record<string, string>)) {
        this.checkpoints.set(key, sequence);
      }
    }
  }

  start(intervalMs = 100): void {
    const tick = () => {
      if (this.stopped) return;
      void this.poll().catch(() => 0).finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
      });
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Returns once every record written so far has been handled. */
  async settle(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if ((await this.poll()) === 0 && (await this.poll()) === 0) return;
    }
    throw new Error('stream did not settle');
  }

  /** Forgets shard positions (after the tables were recreated), in turn with the polls. */
  reset(): Promise<void> {
    const done = this.running.catch(() => 0).then(() => {
      this.iterators.clear();
      this.checkpoints.clear();
      this.saveCheckpoints();
    });
    this.running = done.then(() => 0);
    return done;
  }

  /** One pass over every shard; serialized so the poller and settle() never overlap. */
  poll(): Promise<number> {
    this.running = this.running.catch(() => 0).then(() => this.pollOnce());
    return this.running;
  }

  private async pollOnce(): Promise<number> {
    const { Table } = await this.dynamo.send(new DescribeTableCommand({ TableName: this.table }));
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) return 0;
    const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    let handled = 0;
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId!;
      const key = `${streamArn}/${shardId}`;
      if (!this.iterators.has(key)) this.iterators.set(key, await this.iterator(streamArn, shardId, this.checkpoints.get(key)));
      const iterator = this.iterators.get(key);
      if (!iterator) continue;
      let page;
      try {
        page = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      } catch (error) {
        // an iterator of a recreated table or one that timed out: start the shard again from its oldest record
        if (!(error instanceof TrimmedDataAccessException || error instanceof ExpiredIteratorException || error instanceof ResourceNotFoundException)) throw error;
        this.iterators.delete(key);
        this.checkpoints.delete(key);
        continue;
      }
      const { Records = [], NextShardIterator } = page;
      if (Records.length === 0) {
        this.iterators.set(key, NextShardIterator);
        continue;
      }
      const result = await this.handler({ Records: Records.map((r) => toLambdaRecord(r, streamArn)) });
      let failed = result?.batchItemFailures?.[0]?.itemIdentifier;
      if (failed && (this.failures.set(failed, (this.failures.get(failed) ?? 0) + 1).get(failed) ?? 0) > MAX_RETRIES) {
        // as Lambda does after its retries: the record goes to the on-failure destination (here: the log) and the shard moves on
        logger.error('stream record given up after retries', { sequenceNumber: failed });
        this.failures.delete(failed);
        failed = undefined;
      }
      const done = failed ? Records.slice(0, Records.findIndex((r) => r.dynamodb?.SequenceNumber === failed)) : Records;
      handled += Records.length;
      const last = done.at(-1)?.dynamodb?.SequenceNumber ?? this.checkpoints.get(key);
      if (last) this.checkpoints.set(key, last);
      this.saveCheckpoints();
      // after a failure, read again from the failed record on the next pass
      this.iterators.set(key, failed ? await this.iterator(streamArn, shardId, last) : NextShardIterator);
    }
    return handled;
  }

  private saveCheckpoints(): void {
    if (this.checkpointFile) writeFileSync(this.checkpointFile, JSON.stringify(Object.fromEntries(this.checkpoints)));
  }

  private async iterator(streamArn: string, shardId: string, after?: string): Promise<string | undefined> {
    try {
      const { ShardIterator } = await this.streams.send(new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
        SequenceNumber: after,
      }));
      return ShardIterator;
    } catch (error) {
      if (!(error instanceof TrimmedDataAccessException)) throw error;
      // records older than the stream keeps are gone in AWS too; read on from the newest
      const { ShardIterator } = await this.streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'LATEST' }));
      return ShardIterator;
    }
  }
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
