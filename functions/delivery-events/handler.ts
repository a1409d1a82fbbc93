import type { SNSEvent } from 'aws-lambda';
import { deps } from '../../shared/deps.js';
import { onDeliveryFailure, parseDeliveryEvent } from '../../shared/usecases/delivery.js';

/** SES bounce/complaint and SMS delivery events, both through SNS. */
export async function handler(event: SNSEvent): Promise<void> {
  for (const record of event.Records) {
    for (const failure of parseDeliveryEvent(JSON.parse(record.Sns.Message))) await onDeliveryFailure(failure, deps());
  }
}
