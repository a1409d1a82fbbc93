import { beforeEach, describe, expect, it } from 'vitest';
import { matchesDeclaredType, type DocumentContentType } from '../../shared/domain/documents.js';
import { CaseNotFoundError, DocumentNotAvailableError, InvalidInputError } from '../../shared/domain/errors.js';
import { caseDocuments, downloadDocument, isDeclaredType, recordScan, startUpload } from '../../shared/usecases/documents.js';
import { closeCase } from '../../shared/usecases/release.js';
import { caseRecord } from '../fixtures/case.js';
import { doctorEntry, parsedRoster } from '../fixtures/roster.js';
import { testPorts, type TestPorts } from '../support/fakes.js';

const ID = caseRecord().referralId;
const ATTORNEY = { kind: 'external' as const, email: 'ana.perez@example.org' };
const DOCTOR = { kind: 'external' as const, email: 'ana@example.org' };
const STAFF = { kind: 'staff' as const, by: 'staff:lee@example.org' };
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/** The first bytes of real files of each type. */
const FILES: Record<string, Uint8Array> = {
  pdf: Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'),
  png: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'),
  jpeg: Buffer.from([
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  ]),
  // an ISO base media file whose major brand is `heic`
  heic: Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(64)]),
  eicar: Buffer.from(EICAR),
  html: Buffer.from('<!doctype html><html><body>hello</body></html>'),
};

describe('the magic-byte check', () => {
  it.each([
    ['pdf', 'application/pdf'],
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['heic', 'image/heic'],
  ] as [string, DocumentContentType][])('takes a %s declared as %s', async (file, declared) => {
    expect(await isDeclaredType(FILES[file]!, declared)).toBe(true);
  });

  it.each([
    ['png', 'application/pdf'],
    ['pdf', 'image/png'],
    ['jpeg', 'image/heic'],
    ['eicar', 'application/pdf'],
    ['html', 'application/pdf'],
    ['html', 'image/jpeg'],
  ] as [string, DocumentContentType][])('refuses a %s declared as %s', async (file, declared) => {
    expect(await isDeclaredType(FILES[file]!, declared)).toBe(false);
  });

  it('refuses an empty or unrecognised file whatever it was declared as', async () => {
    expect(await isDeclaredType(new Uint8Array(), 'application/pdf')).toBe(false);
    expect(matchesDeclaredType(undefined, 'image/png')).toBe(false);
    expect(matchesDeclaredType('image/heif', 'image/heic')).toBe(true);
    expect(matchesDeclaredType('image/heif', 'image/jpeg')).toBe(false);
  });
});

let p: TestPorts;
beforeEach(async () => {
  p = await testPorts({ roster: parsedRoster({ doctors: [doctorEntry()] }) });
  await p.store.createCase(caseRecord({ status: 'assigned', assignedDoctorId: 'd-ana' }));
});

const pdf = { kind: 'medical_record' as const, fileName: 'López records.pdf', contentType: 'application/pdf' as const, size: 2048 };

describe('uploads and downloads', () => {
  it('signs an upload to an opaque key under the case, 25 MiB at most, for 10 minutes', async () => {
    const { documentId, upload } = await startUpload(ID, ATTORNEY, pdf, p);
    expect(upload.fields.key).toBe(`cases/${ID}/${documentId}`);
    expect(upload.fields.key).not.toContain('López');
    expect(upload.fields.Policy).toBe(`max=${25 * 1024 * 1024}`);
    expect(await caseDocuments(ID, STAFF, p)).toEqual([
      expect.objectContaining({ documentId, status: 'scanning', uploadedBy: 'attorney', fileName: 'López records.pdf' }),
    ]);
  });

  it('answers not found to someone with no part, and a field error to a kind that is not theirs', async () => {
    await expect(startUpload(ID, { kind: 'external', email: 'x@elsewhere.org' }, pdf, p)).rejects.toBeInstanceOf(CaseNotFoundError);
    await expect(startUpload(ID, DOCTOR, pdf, p)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(startUpload(ID, ATTORNEY, { ...pdf, kind: 'declaration' }, p)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(startUpload(ID, STAFF, { ...pdf, kind: 'declaration' }, p)).resolves.toMatchObject({ documentId: expect.any(String) });
  });

  it('hands out a download only once the document is available, under its kind and id', async () => {
    const { documentId, upload } = await startUpload(ID, ATTORNEY, pdf, p);
    await expect(downloadDocument(ID, documentId, DOCTOR, p)).rejects.toBeInstanceOf(DocumentNotAvailableError);
    p.documents.put(upload.fields.key!, FILES.pdf!);
    expect(await recordScan(upload.fields.key!, 'NO_THREATS_FOUND', p)).toBe('available');
    const { url } = await downloadDocument(ID, documentId, DOCTOR, p);
    expect(decodeURIComponent(url)).toContain(`attachment; filename="medical_record-${documentId}.pdf"`);
    expect(url).not.toContain('L%C3%B3pez');
    expect(await p.store.timeline(ID)).toEqual(
      expect.arrayContaining([expect.objectContaining({ event: 'document_downloaded', actor: 'doctor:d-ana' })]),
    );
  });
});

describe('the scan result', () => {
  async function uploaded(bytes: Uint8Array, by = ATTORNEY, kind: 'medical_record' | 'declaration' = 'medical_record') {
    const { documentId, upload } = await startUpload(ID, by, { ...pdf, kind }, p);
    p.documents.put(upload.fields.key!, bytes);
    return { documentId, key: upload.fields.key! };
  }

  it("makes a clean PDF available and tells the doctor by email, without the file's name", async () => {
    const { key } = await uploaded(FILES.pdf!);
    expect(await recordScan(key, 'NO_THREATS_FOUND', p)).toBe('available');
    expect(p.outbox.email.to('ana@example.org')).toHaveLength(1);
    expect(p.outbox.email.sent.map((e) => e.text + e.subject + e.html).join()).not.toContain('López');
    // the same event again changes and sends nothing
    expect(await recordScan(key, 'NO_THREATS_FOUND', p)).toBe('available');
    expect(p.outbox.email.sent).toHaveLength(1);
  });

  it.each([
    ['THREATS_FOUND', FILES.eicar!, 'threat'],
    ['NO_THREATS_FOUND', FILES.png!, 'type_mismatch'],
    ['FAILED', FILES.pdf!, 'scan_failed'],
    ['UNSUPPORTED', FILES.pdf!, 'scan_failed'],
  ] as const)('rejects on %s (%s): the object deleted, the uploader told', async (status, bytes, reason) => {
    const { key, documentId } = await uploaded(bytes, DOCTOR, 'declaration');
    expect(await recordScan(key, status, p)).toBe('rejected');
    expect(p.documents.objects.has(key)).toBe(false);
    expect(await p.store.getDocument(ID, documentId)).toMatchObject({ status: 'rejected', rejectedBecause: reason });
    expect(p.outbox.email.to('ana@example.org')).toHaveLength(1);
    expect(p.outbox.email.to('ana.perez@example.org')).toHaveLength(0);
  });

  it('deletes an object for which no document waits', async () => {
    p.documents.put(`cases/${ID}/D-0000000000000000`, FILES.pdf!);
    expect(await recordScan(`cases/${ID}/D-0000000000000000`, 'NO_THREATS_FOUND', p)).toBe('ignored');
    expect(p.documents.objects.size).toBe(0);
  });
});

describe('retention', () => {
  it("tags the case's objects at close and sets the documents' expiry once, DOCUMENT_RETENTION_DAYS after the close", async () => {
    const { upload, documentId } = await startUpload(ID, ATTORNEY, pdf, p);
    p.documents.put(upload.fields.key!, FILES.pdf!);
    await recordScan(upload.fields.key!, 'NO_THREATS_FOUND', p);
    p.config.DOCUMENT_RETENTION_DAYS = 7;
    await closeCase(ID, 'withdrawn', 'staff:lee', p);
    expect(p.documents.objects.get(upload.fields.key!)?.tags).toEqual({ 'medreview-retention': 'case-closed' });
    const expiresAt = new Date(p.clock.now().getTime() + 7 * 86_400_000).toISOString();
    expect((await p.store.getDocument(ID, documentId))?.expiresAt).toBe(expiresAt);
    p.clock.advance(60);
    await closeCase(ID, 'withdrawn', 'staff:lee', p);
    expect((await p.store.getDocument(ID, documentId))?.expiresAt).toBe(expiresAt);
    p.clock.advance(7 * 24 * 60);
    expect(await caseDocuments(ID, ATTORNEY, p)).toEqual([]);
  });
});
