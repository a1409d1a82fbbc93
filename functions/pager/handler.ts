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
 * The urgent lane of the table stream: a case that became `paging` gets paging wave 1 (and the
 * coordinators' email notice). Its event source mapping takes nothing else, so routine work never
 * waits in front of a page.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  return runLane('urgent', event, deps());
}
