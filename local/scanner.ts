import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ScanResultEvent } from '../functions/document-scan/handler.js';
import type { ScanStatus } from '../shared/usecases/documents.js';
import { logger } from '../shared/logger.js';
import { addTags, LOCAL_BUCKET, SCAN_TAG } from './s3.js';

/** Lambda's asynchronous invocation: the first attempt and two retries. */
const ASYNC_ATTEMPTS = 3;

/** The EICAR anti-virus test file: harmless, and reported as malware by every scanner (GuardDuty included). */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/** The local scanner's verdict: a threat in any file that carries the EICAR test string, else clean. */
export function scanVerdict(bytes: Uint8Array): ScanStatus {
  return Buffer.from(bytes).includes(EICAR) ? 'THREATS_FOUND' : 'NO_THREATS_FOUND';
}

/** The EventBridge event GuardDuty Malware Protection for S3 sends when it has scanned an object. */
export function scanResultEvent(bucketName: string, objectKey: string, status: ScanStatus, at: Date): ScanResultEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'GuardDuty Malware Protection Object Scan Result',
    source: 'aws.guardduty',
    account: '000000000000',
    time: at.toISOString(),
    region: 'us-east-1',
    resources: ['arn:aws:guardduty:us-east-1:000000000000:malware-protection-plan/local'],
    detail: {
      s3ObjectDetails: { bucketName, objectKey },
      scanResultDetails: { scanResultStatus: status },
    },
  };
}

/**
 * Stands in for GuardDuty Malware Protection for S3: after an upload is stored it tags the object with
 * its verdict (`GuardDutyMalwareScanStatus`) and hands the same event to the `document-scan` handler.
 * Scans run in the background, as GuardDuty's do; `settle()` waits for the ones under way.
 */
export class LocalScanner {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly client: S3Client,
    private readonly handler: (event: ScanResultEvent) => Promise<void>,
  ) {}

  scan(key: string, bytes: Uint8Array): void {
    const run = this.run(key, scanVerdict(bytes)).catch((error) => logger.error('local scan failed', { errorName: (error as Error).name }));
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  async settle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /** Tags, then invokes the handler as EventBridge invokes a function asynchronously: up to 3 attempts, then the error is logged. */
  private async run(key: string, status: ScanStatus): Promise<void> {
    await addTags(this.client, key, { [SCAN_TAG]: status });
    const event = scanResultEvent(LOCAL_BUCKET, key, status, new Date());
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.handler(event);
      } catch (error) {
        if (attempt >= ASYNC_ATTEMPTS) throw error;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt * Math.random()));
      }
    }
  }
}
