import type { EventBridgeEvent } from 'aws-lambda';
import { wire } from '../../shared/deps.js';
import { s3Documents } from '../../shared/documents/s3.js';
import { sesEmail } from '../../shared/email/ses.js';
import { logger } from '../../shared/logger.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { recordScan, type ScanStatus } from '../../shared/usecases/documents.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore, email: sesEmail, documents: s3Documents });

/** The detail of GuardDuty's "GuardDuty Malware Protection Object Scan Result" event (the fields read here). */
export interface ScanResultDetail {
  s3ObjectDetails: { bucketName: string; objectKey: string };
  scanResultDetails: { scanResultStatus: ScanStatus };
}

export type ScanResultEvent = EventBridgeEvent<'GuardDuty Malware Protection Object Scan Result', ScanResultDetail>;

const STATUSES: readonly string[] = ['NO_THREATS_FOUND', 'THREATS_FOUND', 'UNSUPPORTED', 'ACCESS_DENIED', 'FAILED'];

/**
 * GuardDuty Malware Protection for S3 scanned an uploaded object (EventBridge, invoked asynchronously:
 * a failure is retried, then lands in the function's dead-letter queue). An event for another bucket or
 * with an unknown verdict is logged and dropped.
 */
export async function handler(event: ScanResultEvent): Promise<void> {
  const d = deps();
  const object = event.detail?.s3ObjectDetails;
  const status = event.detail?.scanResultDetails?.scanResultStatus;
  if (!object || object.bucketName !== d.config.DOCUMENTS_BUCKET || !STATUSES.includes(status)) {
    await logger.warn('scan result not for the documents bucket, or unreadable', { eventId: event.id });
    return;
  }
  await recordScan(decodeURIComponent(object.objectKey), status, d);
}
