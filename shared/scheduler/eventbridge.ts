import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { Adapter } from '../deps.js';
import type { SchedulerPort, TimerEvent } from '../ports.js';

export interface EventBridgeSchedulerOptions {
  group: string;
  targetArn: string;
  roleArn: string;
  deadLetterArn?: string;
}

/** One-time `at()` schedules that delete themselves after they fire, with retries and a DLQ. */
export class EventBridgeScheduler implements SchedulerPort {
  constructor(
    private readonly client: SchedulerClient,
    private readonly options: EventBridgeSchedulerOptions,
  ) {}

  async create(name: string, at: Date, event: TimerEvent): Promise<void> {
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: this.options.group,
          ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: this.options.targetArn,
            RoleArn: this.options.roleArn,
            Input: JSON.stringify(event),
            RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: this.options.deadLetterArn ? { Arn: this.options.deadLetterArn } : undefined,
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
    }
  }

  async delete(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.options.group }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}

/** The `scheduler` port: EventBridge Scheduler one-time schedules targeting the timer function. */
export const eventBridgeScheduler: Adapter<'scheduler'> = (cfg) =>
  new EventBridgeScheduler(new SchedulerClient({}), {
    group: cfg.SCHEDULE_GROUP,
    targetArn: cfg.SCHEDULE_TARGET_ARN,
    roleArn: cfg.SCHEDULER_ROLE_ARN,
    deadLetterArn: cfg.SCHEDULE_DLQ_ARN,
  });
