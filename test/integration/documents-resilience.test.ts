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

describe('S3 throttling (FAULTS=documents:0.3)', () => {
  it('still takes, scans and hands out every upload: the SDK and the scan retry', async () => {
    const faulty = await startLocal({ port: 0, dataDir: null, faults: { documents: 0.3 } });
    try {
      await resetWith(faulty, { doctors: [], coordinators: COORDINATORS, shifts: [] });
      const id = await submit(faulty);
      const auth = { authorization: `Bearer ${await attorneyToken(faulty)}` };
      const body = { kind: 'medical_record', fileName: 'a.pdf', contentType: 'application/pdf', size: PDF.length };
      for (let i = 0; i < 6; i++) {
        const started = await call(faulty, 'POST', `/api/cases/${id}/documents`, body, auth);
        expect(started.status).toBe(201);
        const form = new FormData();
        for (const [k, v] of Object.entries(started.json.upload.fields as Record<string, string>)) form.append(k, v);
        form.append('file', new Blob([new Uint8Array(PDF)]));
        expect((await fetch(started.json.upload.url, { method: 'POST', body: form })).status).toBe(204);
      }
      await faulty.settle();
      const listed = await call(faulty, 'GET', `/api/cases/${id}/documents`, undefined, auth);
      expect(listed.json.items.map((d: { status: string }) => d.status)).toEqual(Array(6).fill('available'));
      for (const d of listed.json.items) {
        const link = await call(faulty, 'GET', `/api/cases/${id}/documents/${d.documentId}`, undefined, auth);
        expect(Buffer.from(await (await fetch(link.json.url)).arrayBuffer()).equals(PDF)).toBe(true);
      }
    } finally {
      await faulty.stop();
    }
  }, 240_000);
});
