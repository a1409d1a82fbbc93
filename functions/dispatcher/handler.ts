import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deps } from '../../shared/deps.js';
import { logger } from '../../shared/logger.js';
import { onCaseCreated } from '../../shared/usecases/dispatch.js';

/**
 * The table stream is the outbox: every stored referral reaches this handler (retried until it
 * succeeds), which records it, sends the receipt and starts paging or the routine offers.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    if (record.eventName !== 'INSERT' || !image || image.sk?.S !== 'REF') continue;
    const { referralId } = unmarshall(image as Record<string, AttributeValue>);
    try {
      await onCaseCreated(referralId, deps());
    } catch (error) {
      logger.error('dispatch failed', { referralId, errorName: (error as Error).name });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] };
    }
  }
  return { batchItemFailures: [] };
}
