import { DeleteItemCommand, type DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { SchedulerPort, TimerEvent } from '../shared/ports.js';
import type { ControllableClock } from './clock.js';
import { TABLES } from './dynamo.js';

export interface PendingSchedule {
  name: string;
  at: string;
  event: TimerEvent;
}

/** Retries of a failed timer run, as Lambda retries an asynchronous invocation (EventBridge Scheduler invokes so). */
const ASYNC_RETRIES = 2;

/**
 * EventBridge Scheduler's one-time schedules, persisted in DynamoDB Local and driven by the
 * controllable clock: a schedule fires once, with the same payload, and is then deleted. A run that
 * fails is retried ASYNC_RETRIES times, then handed to `onGiveUp` (the timer's dead-letter queue in AWS).
 */
export class LocalScheduler implements SchedulerPort {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly clock: ControllableClock,
    private readonly fire: (event: TimerEvent) => Promise<void>,
    private readonly onGiveUp: (schedule: PendingSchedule, error: unknown) => Promise<void>,
  ) {}

  async create(name: string, at: Date, event: TimerEvent): Promise<void> {
    if (!/^[0-9A-Za-z_.-]{1,64}$/.test(name)) throw new Error(`invalid schedule name ${name}`);
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: TABLES.schedules,
          Item: { name: { S: name }, at: { S: at.toISOString() }, event: { S: JSON.stringify(event) } },
          ConditionExpression: 'attribute_not_exists(#n)',
          ExpressionAttributeNames: { '#n': 'name' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async delete(name: string): Promise<void> {
    await this.db.send(new DeleteItemCommand({ TableName: TABLES.schedules, Key: { name: { S: name } } }));
  }

  private async run(schedule: PendingSchedule): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.fire(schedule.event);
      } catch (error) {
        if (attempt >= ASYNC_RETRIES) return this.onGiveUp(schedule, error);
        // Lambda waits minutes between these; locally a moment, with jitter
        await new Promise((r) => setTimeout(r, Math.random() * 100 * 2 ** attempt));
      }
    }
  }

  async pending(): Promise<PendingSchedule[]> {
    const { Items = [] } = await this.db.send(new ScanCommand({ TableName: TABLES.schedules, ConsistentRead: true }));
    return Items.map((i) => ({ name: i.name.S!, at: i.at.S!, event: JSON.parse(i.event.S!) as TimerEvent })).sort(
      (a, b) => a.at.localeCompare(b.at) || a.name.localeCompare(b.name),
    );
  }

  /**
   * Moves the clock `minutes` forward, firing every schedule that falls due in time order (the clock
   * stands at each schedule's time while its handler runs, so schedules it creates fire too when due).
   */
  async advance(minutes: number): Promise<{ now: string; fired: { name: string; at: string }[] }> {
    const target = new Date(this.clock.now().getTime() + minutes * 60_000);
    const fired: { name: string; at: string }[] = [];
    for (;;) {
      const next = (await this.pending())[0];
      if (!next || next.at > target.toISOString()) break;
      this.clock.moveTo(new Date(next.at));
      await this.delete(next.name);
      fired.push({ name: next.name, at: next.at });
      await this.run(next);
    }
    this.clock.moveTo(target);
    return { now: this.clock.now().toISOString(), fired };
  }
}
