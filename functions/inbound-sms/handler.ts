import type { SNSEvent } from 'aws-lambda';
import { wire } from '../../shared/deps.js';
import { sesEmail } from '../../shared/email/ses.js';
import { eventBridgeScheduler } from '../../shared/scheduler/eventbridge.js';
import { endUserMessagingSms } from '../../shared/sms/end-user-messaging.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { handleInboundSms, type SmsReply } from '../../shared/usecases/inbound-sms.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore, email: sesEmail, sms: endUserMessagingSms, scheduler: eventBridgeScheduler });

/** The SNS message AWS End User Messaging publishes for an inbound two-way SMS. */
interface InboundSms {
  originationNumber: string;
  messageBody: string;
}

/** Two-way SMS: the same use case serves SNS in AWS and `/_local/sms/inbound` locally. */
export async function handler(event: SNSEvent): Promise<SmsReply[]> {
  const replies: SmsReply[] = [];
  for (const record of event.Records) {
    const message = JSON.parse(record.Sns.Message) as InboundSms;
    replies.push(...(await handleInboundSms(message.originationNumber, message.messageBody, deps())));
  }
  return replies;
}
