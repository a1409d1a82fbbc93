import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mapLimit } from '../concurrency.js';
import type { Ports } from '../deps.js';
import { jobFor, type Job, type Lane } from '../domain/lanes.js';
import { logger } from '../logger.js';
import { JOBS } from '../usecases/dispatch.js';

/** The longest one routine step waits for urgent work to finish. */
export const MAX_YIELD_MS = 200;

/**
 * Urgent work first where both lanes share one process and one database (the local runtime): routine
 * work waits at each job, and at each database call (`yieldToUrgent`, which the local runtime puts in
 * its DynamoDB client), while an urgent job runs. In AWS each lane is its own function, so nothing
 * ever waits there.
 */
export const lanePriority = {
  context: new AsyncLocalStorage<Lane>(),
  urgentRunning: 0,
  waiting: [] as (() => void)[],
  /**
   * Waits while urgent work runs, but never longer than MAX_YIELD_MS: a preference, never a lock. An
   * urgent job may itself be waiting on a read a routine job started (the roster read both share), and
   * an unbounded wait would then stop both lanes for good.
   */
  async yieldToUrgent(): Promise<void> {
    if (this.context.getStore() !== 'routine') return;
    const until = Date.now() + MAX_YIELD_MS;
    for (let left = MAX_YIELD_MS; this.urgentRunning > 0 && left > 0; left = until - Date.now()) {
      await new Promise<void>((resume) => {
        this.waiting.push(resume);
        setTimeout(resume, left);
      });
    }
  },
  async run<T>(lane: Lane, job: () => Promise<T>): Promise<T> {
    if (lane === 'routine') {
      return this.context.run(lane, async () => {
        await this.yieldToUrgent();
        return job();
      });
    }
    this.urgentRunning++;
    try {
      return await this.context.run(lane, job);
    } finally {
      if (--this.urgentRunning === 0) for (const resume of this.waiting.splice(0)) resume();
    }
  },
};

/** Referrals of one batch handled at once. */
export const LANE_CONCURRENCY = 10;

type StreamRecord = DynamoDBStreamEvent['Records'][number];

/**
 * Runs one lane's batch of stream records: each record the lane's rules route to a job runs it.
 * Order matters only per referral: different referrals run in parallel (up to LANE_CONCURRENCY), the
 * records of one referral in stream order. A failed record and the later records of its referral are
 * reported as batch item failures — the event source retries from there, bisecting until the failing
 * record is alone (every job is safe to repeat) — while every other referral's work is done.
 */
export async function runLane(lane: Lane, event: DynamoDBStreamEvent, p: Ports): Promise<DynamoDBBatchResponse> {
  const byReferral = new Map<string, { record: StreamRecord; job: Job }[]>();
  for (const record of event.Records) {
    const job = jobFor(lane, record);
    const pk = record.dynamodb?.Keys?.pk?.S;
    if (!job || !pk?.startsWith('REF#')) continue;
    const referralId = pk.slice('REF#'.length);
    byReferral.set(referralId, [...(byReferral.get(referralId) ?? []), { record, job }]);
  }
  const failed: string[] = [];
  await mapLimit([...byReferral], LANE_CONCURRENCY, async ([referralId, work]) => {
    for (const [i, { job }] of work.entries()) {
      try {
        await lanePriority.run(lane, () => JOBS[job](referralId, p));
      } catch (error) {
        await logger.error('dispatch failed', { lane, job, referralId, errorName: (error as Error).name });
        failed.push(...work.slice(i).map((w) => w.record.dynamodb!.SequenceNumber!));
        return;
      }
    }
  });
  failed.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
