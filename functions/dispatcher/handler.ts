import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { wire } from '../../shared/deps.js';
import { sesEmail } from '../../shared/email/ses.js';
import { eventBridgeScheduler } from '../../shared/scheduler/eventbridge.js';
import { endUserMessagingSms } from '../../shared/sms/end-user-messaging.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { runLane } from '../../shared/stream/lane.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore, email: sesEmail, sms: endUserMessagingSms, scheduler: eventBridgeScheduler });

/**
 * The routine lane of the table stream (the outbox): every new case gets its timeline entry, receipt,
 * notices and, when routine, its email offers; a case let out of waiting (verified or approved) goes on
 * the same way; every accept gets its follow-up (schedules deleted, "no longer needed", introductions).
 * Paging is the pager's lane.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  return runLane('routine', event, deps());
}
