import type { SNSEvent } from 'aws-lambda';
import { wire } from '../../shared/deps.js';
import { sesEmail } from '../../shared/email/ses.js';
import { endUserMessagingSms } from '../../shared/sms/end-user-messaging.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { onDeliveryFailure, parseDeliveryEvent } from '../../shared/usecases/delivery.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore, email: sesEmail, sms: endUserMessagingSms });

/** SES bounce/complaint and SMS delivery events, both through SNS. */
export async function handler(event: SNSEvent): Promise<void> {
  for (const record of event.Records) {
    for (const failure of parseDeliveryEvent(JSON.parse(record.Sns.Message))) await onDeliveryFailure(failure, deps());
  }
}
