import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';
import { S3_CREDENTIALS } from '../../local/s3.js';
import { attorneyToken, call } from '../support/runtime.js';
import { COORDINATORS, resetWith, submit } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'medreview-documents-restart-'));
let rt: LocalRuntime | undefined;
afterAll(async () => {
  await rt?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

describe('an upload the runtime stored and never scanned', () => {
  it('is scanned when the runtime starts again on the same data', async () => {
    rt = await startLocal({ port: 0, dataDir: dir });
    await resetWith(rt, { doctors: [], coordinators: COORDINATORS, shifts: [] });
    const id = await submit(rt);
    const auth = { authorization: `Bearer ${await attorneyToken(rt)}` };
    const started = await call(
      rt,
      'POST',
      `/api/cases/${id}/documents`,
      { kind: 'medical_record', fileName: 'a.pdf', contentType: 'application/pdf', size: PDF.length },
      auth,
    );
    expect(started.status).toBe(201);
    // stored, and the process gone before its scan (as after a kill -9)
    const s3 = new S3Client({ endpoint: rt.s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS });
    await s3.send(
      new PutObjectCommand({ Bucket: rt.s3.bucket, Key: started.json.upload.fields.key, Body: PDF, ContentType: 'application/pdf' }),
    );
    await rt.stop();

    rt = await startLocal({ port: 0, dataDir: dir });
    await rt.settle();
    const listed = await call(rt, 'GET', `/api/cases/${id}/documents`, undefined, { authorization: `Bearer ${await attorneyToken(rt)}` });
    expect(listed.json.items).toEqual([expect.objectContaining({ documentId: started.json.documentId, status: 'available' })]);
  }, 240_000);
});
