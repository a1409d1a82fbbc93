import { GetObjectTaggingCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EICAR } from '../../local/scanner.js';
import { S3_CREDENTIALS } from '../../local/s3.js';
import type { LocalRuntime } from '../../local/runtime.js';
import type { DynamoStore } from '../../shared/store/dynamodb/store.js';
import { validReferral } from '../fixtures/referral.js';
import { attorneyToken, call, useTestRuntime } from '../support/runtime.js';
import {
  ANA,
  BEN,
  clockNow,
  advance,
  codeFor,
  COORDINATORS,
  emailTo,
  offerSms,
  outbox,
  resetWith,
  sentSince,
  settle,
  shiftAround,
  staffCall,
  submitUrgent,
  textIn,
} from './helpers.js';

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

/** Everything the functions log while this file runs (Powertools writes to stdout, the fallback to stderr). */
const logged: string[] = [];
const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
beforeAll(() => {
  process.stdout.write = ((chunk: unknown, ...rest: never[]) => (
    logged.push(String(chunk)), writes.out(chunk as string, ...rest)
  )) as never;
  process.stderr.write = ((chunk: unknown, ...rest: never[]) => (
    logged.push(String(chunk)), writes.err(chunk as string, ...rest)
  )) as never;
});
afterAll(() => {
  process.stdout.write = writes.out;
  process.stderr.write = writes.err;
});

const ATTORNEY = validReferral().attorney.email;
const MiB = 1024 * 1024;
/** A file name with the client's name in it: it may appear in the API's answers to the parties, nowhere else. */
const FILE_NAME = 'Lopez Maria - Hospital records QX7.pdf';
const MARK = 'QX7';

/** The smallest PDF that readers open. */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj ' +
    '3 0 obj<</Type/Page/MediaBox[0 0 3 3]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

const docs = (id: string) => `/api/cases/${id}/documents`;
/** A small upload's description: the only field a test changes is the kind. */
const small = (kind = 'other', size = 10) => ({ kind, fileName: 'x.pdf', contentType: 'application/pdf', size });

/** A call as the signed-in external user with this email (attorney or doctor). */
async function external(email: string, method: string, path: string, body?: unknown) {
  return call(rt, method, path, body, { authorization: `Bearer ${await attorneyToken(rt, email)}` });
}

/** Starts an upload and POSTs the bytes to the presigned form, as a browser page does (multipart, fields then file). */
async function upload(email: string, id: string, o: { kind?: string; contentType?: string; bytes: Buffer; declaredSize?: number }) {
  const started = await external(email, 'POST', docs(id), {
    kind: o.kind ?? 'medical_record',
    fileName: FILE_NAME,
    contentType: o.contentType ?? 'application/pdf',
    size: o.declaredSize ?? o.bytes.length,
  });
  expect(started.status, JSON.stringify(started.json)).toBe(201);
  const posted = await postForm(started.json.upload, o.bytes);
  return { documentId: started.json.documentId as string, upload: started.json.upload, posted };
}

async function postForm(u: { url: string; fields: Record<string, string> }, bytes: Buffer, fields = u.fields) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(bytes)]), 'upload.bin');
  const response = await fetch(u.url, { method: 'POST', body: form, headers: { origin: rt.url } });
  return { status: response.status, text: await response.text(), allowOrigin: response.headers.get('access-control-allow-origin') };
}

/** A client of the local S3 server, to see what the bucket holds. */
const bucket = () => new S3Client({ endpoint: rt.s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS });
async function objectKeys(): Promise<string[]> {
  const out = await bucket().send(new ListObjectsV2Command({ Bucket: rt.s3.bucket }));
  return (out.Contents ?? []).map((c) => c.Key!);
}

async function documentOf(email: string, id: string, documentId: string) {
  const list = await external(email, 'GET', docs(id));
  expect(list.status).toBe(200);
  return list.json.items.find((d: { documentId: string }) => d.documentId === documentId);
}

/** An urgent referral accepted by Dr. Ana by SMS (Dr. Ben was paged too). */
async function acceptedCase(): Promise<string> {
  const id = await submitUrgent(rt);
  const replies = await textIn(rt, ANA.phone, `YES ${codeFor(offerSms(await outbox(rt), ANA.phone, id).body)}`);
  expect(replies.length).toBeGreaterThan(0);
  await settle(rt);
  return id;
}

let id: string;
beforeAll(async () => {
  const now = await clockNow(rt);
  await resetWith(rt, { doctors: [ANA, BEN], coordinators: COORDINATORS, shifts: [shiftAround(now, ANA.id), shiftAround(now, BEN.id)] });
  id = await acceptedCase();
});

describe('records in, the declaration out', () => {
  it("takes the attorney's PDF by presigned POST, scans it, tells the doctor, and lets the accepting doctor download the bytes", async () => {
    const before = await outbox(rt);
    const { documentId, upload: form, posted } = await upload(ATTORNEY, id, { bytes: PDF });
    expect(posted.status).toBe(204);
    expect(posted.allowOrigin).toBe(rt.url);
    // the key is opaque, the policy fixes it
    expect(form.fields.key).toBe(`cases/${id}/${documentId}`);
    expect(form.fields['Content-Type']).toBe('application/pdf');
    const policy = JSON.parse(Buffer.from(form.fields.Policy, 'base64').toString());
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 25 * MiB]);
    expect(Date.parse(policy.expiration) - Date.now()).toBeLessThanOrEqual(10 * 60_000);

    await settle(rt);
    const listed = await documentOf(ATTORNEY, id, documentId);
    expect(listed).toMatchObject({
      documentId,
      kind: 'medical_record',
      fileName: FILE_NAME,
      contentType: 'application/pdf',
      size: PDF.length,
      status: 'available',
      uploadedBy: 'attorney',
    });

    const told = emailTo(await sentSince(rt, before), ANA.email);
    expect(told).toHaveLength(1);
    expect(told[0].text).toContain(`${rt.url}/cases/`);
    expect(told[0].text).toContain(id);

    const download = await external(ANA.email, 'GET', `${docs(id)}/${documentId}`);
    expect(download.status).toBe(200);
    const url = new URL(download.json.url);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(300);
    expect(download.json.url).not.toContain('Lopez');
    const file = await fetch(download.json.url);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="medical_record-${documentId}.pdf"`);

    const downloads = (await rt.deps.store.timeline(id)).filter((e) => e.event === 'document_downloaded');
    expect(downloads).toEqual([
      expect.objectContaining({ actor: `doctor:${ANA.id}`, details: { documentId, kind: 'medical_record', by: 'doctor' } }),
    ]);
  });

  it("takes the doctor's declaration and tells the attorney; a coordinator sees and downloads it too", async () => {
    const before = await outbox(rt);
    const { documentId, posted } = await upload(ANA.email, id, { kind: 'declaration', bytes: PDF });
    expect(posted.status).toBe(204);
    await settle(rt);
    expect((await documentOf(ATTORNEY, id, documentId)).status).toBe('available');
    const told = emailTo(await sentSince(rt, before), ATTORNEY);
    expect(told).toHaveLength(1);
    expect(told[0].text).toContain(`${rt.url}/referrals/`);

    const list = await staffCall(rt, 'GET', docs(id));
    expect(list.status).toBe(200);
    expect(list.json.items.map((d: { uploadedBy: string }) => d.uploadedBy)).toContain('doctor');
    const download = await staffCall(rt, 'GET', `${docs(id)}/${documentId}`);
    expect(download.status).toBe(200);
    const events = (await rt.deps.store.timeline(id)).filter(
      (e) => e.event === 'document_downloaded' && e.details?.documentId === documentId,
    );
    expect(events).toEqual([
      expect.objectContaining({ actor: expect.stringMatching(/^staff:/), details: expect.objectContaining({ by: 'staff' }) }),
    ]);
  });

  it('answers 404 to another attorney, to a doctor who did not accept, and without a token 401', async () => {
    const { documentId } = await upload(ATTORNEY, id, { bytes: PDF });
    await settle(rt);
    for (const stranger of ['someone.else@elsewhere.org', BEN.email]) {
      expect((await external(stranger, 'GET', docs(id))).status).toBe(404);
      expect((await external(stranger, 'GET', `${docs(id)}/${documentId}`)).status).toBe(404);
      const started = await external(stranger, 'POST', docs(id), small());
      expect(started.status).toBe(404);
    }
    expect((await external(ATTORNEY, 'GET', docs('MR-00000000'))).status).toBe(404);
    expect((await call(rt, 'GET', docs(id))).status).toBe(401);
  });

  it('takes from each party only its kinds, the four content types and 1 byte to 25 MiB (422 naming the field)', async () => {
    const body = { kind: 'medical_record', fileName: 'a.pdf', contentType: 'application/pdf', size: 100 };
    const refusals: [string, Record<string, unknown>, string][] = [
      [ATTORNEY, { kind: 'declaration' }, 'kind'],
      [ATTORNEY, { kind: 'evaluation' }, 'kind'],
      [ANA.email, { kind: 'medical_record' }, 'kind'],
      [ANA.email, { kind: 'other' }, 'kind'],
      [ATTORNEY, { kind: 'x-ray' }, 'kind'],
      [ATTORNEY, { contentType: 'application/zip' }, 'contentType'],
      [ATTORNEY, { size: 0 }, 'size'],
      [ATTORNEY, { size: 25 * MiB + 1 }, 'size'],
      [ATTORNEY, { size: 1.5 }, 'size'],
    ];
    for (const [who, change, field] of refusals) {
      const answer = await external(who, 'POST', docs(id), { ...body, ...change });
      expect(answer.status, JSON.stringify(change)).toBe(422);
      expect(answer.json.errors.map((e: { path: string }) => e.path)).toEqual([field]);
    }
    expect((await external(ANA.email, 'POST', docs(id), { ...body, kind: 'evaluation', contentType: 'image/heic' })).status).toBe(201);
    expect((await external(ATTORNEY, 'POST', docs(id), { ...body, kind: 'other', size: 25 * MiB })).status).toBe(201);
  });

  it('holds a case to 20 documents, however many start at once (409 past it)', async () => {
    const fresh = await acceptedCase();
    const body = { kind: 'medical_record', fileName: 'a.pdf', contentType: 'application/pdf', size: 100 };
    const answers = await Promise.all(Array.from({ length: 24 }, () => external(ATTORNEY, 'POST', docs(fresh), body)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(20);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(4);
    expect((await external(ATTORNEY, 'GET', docs(fresh))).json.items).toHaveLength(20);
  });
});

describe('nothing unscanned, nothing mislabelled', () => {
  it.each([
    ['the EICAR test file', Buffer.from(EICAR), 'threat', /malware scan found a threat/],
    ['a PNG declared as a PDF', PNG, 'type_mismatch', /not the file type it was uploaded as/],
  ])(
    'rejects %s: the object is deleted, never downloadable, the uploader told without the file name',
    async (_name, bytes, reason, says) => {
      const before = await outbox(rt);
      const { documentId, posted } = await upload(ATTORNEY, id, { bytes });
      expect(posted.status).toBe(204);
      // before the scan decides, nothing can be downloaded
      await settle(rt);
      expect(await documentOf(ATTORNEY, id, documentId)).toMatchObject({ status: 'rejected' });
      expect(await objectKeys()).not.toContain(`cases/${id}/${documentId}`);
      const download = await external(ANA.email, 'GET', `${docs(id)}/${documentId}`);
      expect(download.status).toBe(409);
      const told = emailTo(await sentSince(rt, before), ATTORNEY);
      expect(told).toHaveLength(1);
      expect(told[0].text).toMatch(says);
      expect(told[0].subject + told[0].text).not.toContain(MARK);
      expect(emailTo(await sentSince(rt, before), ANA.email)).toEqual([]);
      const rejected = (await rt.deps.store.timeline(id)).filter(
        (e) => e.event === 'document_rejected' && e.details?.documentId === documentId,
      );
      expect(rejected).toEqual([expect.objectContaining({ details: expect.objectContaining({ reason }) })]);
    },
  );

  it('deletes a file posted again through the same form over a rejected document, and rejects a bad one over an available document', async () => {
    const rejected = await upload(ATTORNEY, id, { bytes: Buffer.from(EICAR) });
    await settle(rt);
    expect((await postForm(rejected.upload, PDF)).status).toBe(204);
    await settle(rt);
    expect(await objectKeys()).not.toContain(rejected.upload.fields.key);
    expect((await documentOf(ATTORNEY, id, rejected.documentId)).status).toBe('rejected');

    const available = await upload(ATTORNEY, id, { bytes: PDF });
    await settle(rt);
    expect((await documentOf(ATTORNEY, id, available.documentId)).status).toBe('available');
    expect((await postForm(available.upload, PNG)).status).toBe(204);
    await settle(rt);
    expect((await documentOf(ATTORNEY, id, available.documentId)).status).toBe('rejected');
    expect(await objectKeys()).not.toContain(available.upload.fields.key);
    expect((await external(ANA.email, 'GET', `${docs(id)}/${available.documentId}`)).status).toBe(409);
  });

  it('answers 409 to a download while the document is still scanning', async () => {
    const started = await external(ATTORNEY, 'POST', docs(id), { kind: 'other', fileName: FILE_NAME, contentType: 'image/png', size: 10 });
    expect(started.status).toBe(201);
    expect((await external(ATTORNEY, 'GET', `${docs(id)}/${started.json.documentId}`)).status).toBe(409);
  });

  it('refuses GetObject of an object not scanned clean, as the bucket policy does', async () => {
    const started = await external(ATTORNEY, 'POST', docs(id), {
      kind: 'other',
      fileName: 'x.pdf',
      contentType: 'application/pdf',
      size: PDF.length,
    });
    const key = started.json.upload.fields.key as string;
    // the object stored without a scan tag (as between the upload and GuardDuty's verdict)
    await bucket().send(
      new (await import('@aws-sdk/client-s3')).PutObjectCommand({
        Bucket: rt.s3.bucket,
        Key: key,
        Body: PDF,
        ContentType: 'application/pdf',
      }),
    );
    const url = await rt.deps.documents.presignDownload(key, { downloadName: 'x.pdf', expiresSeconds: 60 });
    const response = await fetch(url);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>AccessDenied</Code>');
  });
});

describe('the storage itself holds uploads to their policy', () => {
  it('refuses 25 MiB + 1 with EntityTooLarge and stores nothing', async () => {
    const started = await external(ATTORNEY, 'POST', docs(id), {
      kind: 'other',
      fileName: FILE_NAME,
      contentType: 'application/pdf',
      size: 25 * MiB,
    });
    const posted = await postForm(started.json.upload, Buffer.concat([PDF, Buffer.alloc(25 * MiB + 1 - PDF.length)]));
    expect(posted.status).toBe(400);
    expect(posted.text).toContain('<Code>EntityTooLarge</Code>');
    expect(await objectKeys()).not.toContain(started.json.upload.fields.key);
  });

  it('refuses a tampered policy, another content type and an expired policy', async () => {
    const started = await external(ATTORNEY, 'POST', docs(id), {
      kind: 'other',
      fileName: FILE_NAME,
      contentType: 'application/pdf',
      size: PDF.length,
    });
    const form = started.json.upload;
    const policy = JSON.parse(Buffer.from(form.fields.Policy, 'base64').toString());
    policy.conditions = policy.conditions.map((c: unknown) =>
      Array.isArray(c) && c[0] === 'content-length-range' ? [c[0], 1, 1024 * MiB] : c,
    );
    const tampered = await postForm(form, PDF, { ...form.fields, Policy: Buffer.from(JSON.stringify(policy)).toString('base64') });
    expect(tampered.status).toBe(403);
    expect(tampered.text).toContain('<Code>SignatureDoesNotMatch</Code>');

    const otherType = await postForm(form, PDF, { ...form.fields, 'Content-Type': 'text/html' });
    expect(otherType.status).toBe(403);
    expect(otherType.text).toContain('<Code>AccessDenied</Code>');

    const otherKey = await postForm(form, PDF, { ...form.fields, key: `cases/${id}/D-0000000000000000` });
    expect(otherKey.status).toBe(403);

    const expired = await createPresignedPost(bucket(), {
      Bucket: rt.s3.bucket,
      Key: form.fields.key,
      Fields: { 'Content-Type': 'application/pdf' },
      Conditions: [['content-length-range', 1, 25 * MiB]],
      Expires: -1,
    });
    const late = await postForm(expired, PDF);
    expect(late.status).toBe(403);
    expect(late.text).toContain('Policy expired');
    expect(await objectKeys()).not.toContain(form.fields.key);
  });
});

describe('retention after the case closes', () => {
  it("tags the case's objects at close and lets its documents go DOCUMENT_RETENTION_DAYS (30) later", async () => {
    const fresh = await acceptedCase();
    const { documentId } = await upload(ATTORNEY, fresh, { bytes: PDF });
    await settle(rt);
    const closed = await staffCall(rt, 'POST', `/api/staff/referrals/${fresh}/close`, { outcome: 'parole_granted' });
    expect(closed.status).toBe(200);
    const closedAt = (await rt.deps.store.getCase(fresh))!.closedAt!;
    const { TagSet } = await bucket().send(new GetObjectTaggingCommand({ Bucket: rt.s3.bucket, Key: `cases/${fresh}/${documentId}` }));
    expect(TagSet).toEqual(
      expect.arrayContaining([
        { Key: 'medreview-retention', Value: 'case-closed' },
        { Key: 'GuardDutyMalwareScanStatus', Value: 'NO_THREATS_FOUND' },
      ]),
    );
    const expiresAt = new Date(Date.parse(closedAt) + 30 * 86_400_000).toISOString();
    expect((await documentOf(ATTORNEY, fresh, documentId)).expiresAt).toBe(expiresAt);
    // the table's TTL removes the item after this
    const { Item } = await (rt.deps.store as DynamoStore).db.send(
      new (await import('@aws-sdk/lib-dynamodb')).GetCommand({
        TableName: 'medreview',
        Key: { pk: `REF#${fresh}`, sk: `DOC#${documentId}` },
      }),
    );
    expect(Item?.ttl).toBe(Math.floor(Date.parse(expiresAt) / 1000));
    // uploads end with the case; closing again keeps the date
    const late = await external(ATTORNEY, 'POST', docs(fresh), small());
    expect(late.status).toBe(409);
    await advance(rt, 60);
    expect((await staffCall(rt, 'POST', `/api/staff/referrals/${fresh}/close`, { outcome: 'parole_granted' })).status).toBe(200);
    expect((await documentOf(ATTORNEY, fresh, documentId)).expiresAt).toBe(expiresAt);
    expect((await external(ANA.email, 'GET', `${docs(fresh)}/${documentId}`)).status).toBe(200);

    await advance(rt, 30 * 24 * 60);
    expect((await external(ATTORNEY, 'GET', docs(fresh))).json.items).toEqual([]);
    expect((await external(ANA.email, 'GET', `${docs(fresh)}/${documentId}`)).status).toBe(404);
  });
});

describe('no file name outside the API answers to the parties', () => {
  it('is in no object key, log line, SMS or email', async () => {
    await settle(rt);
    const keys = await objectKeys();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(/^cases\/MR-[0-9A-Z]{8}\/D-[0-9A-Z]{16}$/);
    const { sms, email } = rt.history();
    const texts = [...sms.map((m) => m.body), ...email.flatMap((m) => [m.subject, m.text, m.html])];
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.filter((t) => t.includes(MARK) || t.includes('Lopez Maria'))).toEqual([]);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.filter((l) => l.includes(MARK))).toEqual([]);
  });
});
