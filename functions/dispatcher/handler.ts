import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deps } from '../../shared/deps.js';
import { logger } from '../../shared/logger.js';
import { onCaseAdmitted, onCaseAssigned, onCaseCreated } from '../../shared/usecases/dispatch.js';

type Image = Record<string, AttributeValue> | undefined;

/**
 * The table stream is the outbox: every stored referral reaches this handler (retried until it
 * succeeds) and so does every accept. A new case gets its receipt and paging; an assigned case gets
 * its follow-up (schedules deleted, "no longer needed", introductions); a case that leaves
 * `awaiting_verification` or `held` (verified or approved) proceeds like a new one.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  for (const record of event.Records) {
    const after = record.dynamodb?.NewImage as Image;
    const before = record.dynamodb?.OldImage as Image;
    if (after?.sk?.S !== 'REF') continue;
    const referralId = unmarshall(after).referralId as string;
    try {
      if (record.eventName === 'INSERT') await onCaseCreated(referralId, deps());
      else if (record.eventName === 'MODIFY' && admitted(before?.status?.S, after.status?.S)) await onCaseAdmitted(referralId, deps());
      else if (record.eventName === 'MODIFY' && after.status?.S === 'assigned' && before?.status?.S !== 'assigned') {
        await onCaseAssigned(referralId, deps());
      }
    } catch (error) {
      logger.error('dispatch failed', { referralId, errorName: (error as Error).name });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber! }] };
    }
  }
  return { batchItemFailures: [] };
}

/** A case verified or approved out of waiting: into `paging`, `awaiting_review` or (verified, then held) `held`. */
export function admitted(before: string | undefined, after: string | undefined): boolean {
  return (before === 'awaiting_verification' || before === 'held') && after !== before && ['paging', 'awaiting_review', 'held'].includes(after ?? '');
}
