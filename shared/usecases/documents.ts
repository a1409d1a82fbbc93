import type { Deps, Ports } from '../deps.js';
import {
  casePrefix,
  documentKey,
  DOWNLOAD_SECONDS,
  downloadName,
  KINDS_BY_UPLOADER,
  matchesDeclaredType,
  MAX_DOCUMENT_BYTES,
  MAX_DOCUMENTS_PER_CASE,
  parseDocumentKey,
  RETENTION_TAG,
  retentionEnd,
  UPLOAD_SECONDS,
  type CaseDocument,
  type DocumentContentType,
  type DocumentUpload,
  type RejectReason,
} from '../domain/documents.js';
import {
  CaseClosedError,
  CaseNotFoundError,
  DocumentLimitError,
  DocumentNotAvailableError,
  DocumentNotFoundError,
  InvalidInputError,
} from '../domain/errors.js';
import { documentAddedEmail, documentRejectedEmail } from '../domain/messages.js';
import type { CaseRecord } from '../domain/types.js';
import { logger } from '../logger.js';
import { newDocumentId } from '../tokens.js';
import { assignedDoctor, partyOf, type Caller, type Party } from './parties.js';

type Read = Pick<Ports, 'store' | 'clock'>;
type Storage = Pick<Deps, 'documents'>;

/** What the API answers about a document (`GET /api/cases/{referralId}/documents`). */
export type DocumentView = Pick<
  CaseDocument,
  'documentId' | 'kind' | 'fileName' | 'contentType' | 'size' | 'status' | 'uploadedBy' | 'uploadedAt' | 'expiresAt'
>;

/** Bytes `file-type` reads to recognise a file (its `minimumBytes`). */
export const SNIFF_BYTES = 4100;

/** The case and the caller's part in it; CaseNotFoundError (404) for anyone without one, as for a case that does not exist. */
export async function caseFor(referralId: string, caller: Caller, p: Pick<Ports, 'store'>): Promise<{ record: CaseRecord; party: Party }> {
  const record = await p.store.getCase(referralId);
  const party = record && (await partyOf(record, caller, p));
  if (!record || !party) throw new CaseNotFoundError();
  return { record, party };
}

/**
 * A party starts an upload:
 * 1. the case and the caller's part in it (404 without one)
 * 2. the kind must be one this party uploads (422 at `kind`)
 * 3. a presigned POST for an opaque key, whose policy fixes the key, the content type and the size range
 * 4. the document is stored `scanning` while the case is open and under its limit (409 otherwise)
 */
export async function startUpload(
  referralId: string,
  caller: Caller,
  upload: DocumentUpload,
  p: Read & Storage,
): Promise<{ documentId: string; upload: { url: string; fields: Record<string, string> } }> {
  const { record, party } = await caseFor(referralId, caller, p);
  if (!KINDS_BY_UPLOADER[party].includes(upload.kind)) {
    throw new InvalidInputError('this kind of document is not one you upload', [
      { path: 'kind', message: `must be one of: ${KINDS_BY_UPLOADER[party].join(', ')}` },
    ]);
  }
  const documentId = newDocumentId();
  const post = await p.documents.presignUpload(documentKey(referralId, documentId), {
    contentType: upload.contentType,
    maxBytes: MAX_DOCUMENT_BYTES,
    expiresSeconds: UPLOAD_SECONDS,
  });
  const uploaderEmail = caller.kind === 'external' ? caller.email : staffEmail(caller.by);
  const added = await p.store.addDocument(
    {
      referralId,
      documentId,
      kind: upload.kind,
      fileName: upload.fileName,
      contentType: upload.contentType,
      size: upload.size,
      status: 'scanning',
      uploadedBy: party,
      ...(uploaderEmail ? { uploaderEmail } : {}),
      uploadedAt: p.clock.now().toISOString(),
    },
    MAX_DOCUMENTS_PER_CASE,
  );
  if (added === 'full') throw new DocumentLimitError(MAX_DOCUMENTS_PER_CASE);
  if (added === 'closed') throw record.status === 'closed' ? new CaseClosedError() : new CaseNotFoundError();
  return { documentId, upload: post };
}

/** A case's documents as its parties see them, oldest first; those past their retention are gone. */
export async function caseDocuments(referralId: string, caller: Caller, p: Read): Promise<DocumentView[]> {
  await caseFor(referralId, caller, p);
  return documentsOf(referralId, p);
}

/** A case's documents as its parties see them, for a page that already checked the caller's part (the attorney's, the doctor's). */
export async function documentsOf(referralId: string, p: Read): Promise<DocumentView[]> {
  return current(await p.store.listDocuments(referralId), p).map(view);
}

/**
 * A party downloads a document:
 * 1. the case and the caller's part in it (404), the document in it and not past its retention (404)
 * 2. only an `available` document (409 while scanning or once rejected)
 * 3. a presigned GET of 5 minutes, saved as an attachment under `<kind>-<documentId>.<ext>`
 * 4. the download is on the timeline: who (their part), which document, when
 */
export async function downloadDocument(
  referralId: string,
  documentId: string,
  caller: Caller,
  p: Read & Storage,
): Promise<{ url: string }> {
  const { record, party } = await caseFor(referralId, caller, p);
  const document = await p.store.getDocument(referralId, documentId);
  if (!document || !current([document], p).length) throw new DocumentNotFoundError();
  if (document.status !== 'available') throw new DocumentNotAvailableError(document.status);
  const url = await p.documents.presignDownload(documentKey(referralId, documentId), {
    downloadName: downloadName(document),
    expiresSeconds: DOWNLOAD_SECONDS,
  });
  await p.store.addEvent(referralId, {
    at: p.clock.now().toISOString(),
    event: 'document_downloaded',
    actor: actorOf(record, party, caller),
    details: { documentId, kind: document.kind, by: party },
  });
  return { url };
}

/** What the malware scan says about an object (GuardDuty Malware Protection for S3's `scanResultStatus`). */
export type ScanStatus = 'NO_THREATS_FOUND' | 'THREATS_FOUND' | 'UNSUPPORTED' | 'ACCESS_DENIED' | 'FAILED';

/**
 * The scan of an uploaded object decided:
 * 1. an object that is no document of ours is deleted; one uploaded again over a rejected document too
 * 2. scanned clean: its first bytes must be the declared type (`file-type`), else it is a mismatch
 * 3. clean and matching: the other side is told by email (a link, never the file name), then the
 *    document is `available` and on the timeline
 * 4. a threat, a mismatch or no verdict: the object is deleted, the uploader told (no file name), then the
 *    document is `rejected` and on the timeline
 * An upload again through the same presigned POST (valid for minutes) over an `available` document is
 * scanned and checked the same way: clean, it changes nothing; otherwise the document is rejected.
 * Messages go out before the document is marked: a repeated event may repeat one, never lose one. An
 * object that lands after its case closed gets the retention tag the close gave the others.
 */
export async function recordScan(
  objectKey: string,
  status: ScanStatus,
  p: Pick<Ports, 'store' | 'clock' | 'config' | 'email'> & Storage,
): Promise<'available' | 'rejected' | 'ignored'> {
  const ids = parseDocumentKey(objectKey);
  const document = ids && (await p.store.getDocument(ids.referralId, ids.documentId));
  const record = ids && (await p.store.getCase(ids.referralId));
  if (!ids || !document || !record || document.status === 'rejected') {
    await p.documents.delete(objectKey);
    await logger.warn('object deleted: no document waits for it', { documentId: ids?.documentId, status: document?.status });
    return 'ignored';
  }
  const { referralId, documentId } = ids;
  const reason = await rejectReason(objectKey, status, document.contentType, p);
  const at = p.clock.now().toISOString();
  if (reason) {
    await p.documents.delete(objectKey);
    if (document.uploaderEmail) {
      await p.email.send({
        to: [document.uploaderEmail],
        ...documentRejectedEmail({ referralId, reason, url: pageFor(document.uploadedBy, p.config.BASE_URL) }),
      });
    }
    if (await p.store.settleDocument(referralId, documentId, document.status, 'rejected', at, reason)) {
      await p.store.addEvent(referralId, {
        at,
        event: 'document_rejected',
        actor: 'system',
        details: { documentId, kind: document.kind, reason },
      });
    }
    return 'rejected';
  }
  if (document.status === 'scanning') {
    for (const to of await otherSide(record, document.uploadedBy, p)) {
      await p.email.send({
        to: [to.email],
        ...documentAddedEmail({ referralId, kind: document.kind, url: pageFor(to.party, p.config.BASE_URL) }),
      });
    }
    if (await p.store.settleDocument(referralId, documentId, 'scanning', 'available', at)) {
      await p.store.addEvent(referralId, {
        at,
        event: 'document_added',
        actor: 'system',
        details: { documentId, kind: document.kind, by: document.uploadedBy },
      });
    }
  }
  if (record.status === 'closed') await p.documents.tagPrefix(objectKey, RETENTION_TAG);
  return 'available';
}

/**
 * A closed case's documents are kept `DOCUMENT_RETENTION_DAYS` from its close: its objects get the
 * retention tag (the bucket's lifecycle rule expires them) and its document items the same expiry (the
 * table's TTL). Both are idempotent: a repeated close tags again and keeps the first date.
 */
export async function retainDocuments(
  referralId: string,
  closedAt: string,
  p: Pick<Ports, 'store' | 'config'> & Storage,
): Promise<{ expiresAt: string }> {
  const expiresAt = retentionEnd(closedAt, p.config.DOCUMENT_RETENTION_DAYS);
  await p.documents.tagPrefix(casePrefix(referralId), RETENTION_TAG);
  await p.store.expireDocuments(referralId, expiresAt);
  return { expiresAt };
}

/** Why a scanned object is refused, or undefined when it is clean and its first bytes are its declared type. */
async function rejectReason(key: string, status: ScanStatus, declared: DocumentContentType, p: Storage): Promise<RejectReason | undefined> {
  if (status === 'THREATS_FOUND') return 'threat';
  if (status !== 'NO_THREATS_FOUND') return 'scan_failed';
  const bytes = await p.documents.firstBytes(key, SNIFF_BYTES);
  if (!bytes) return 'scan_failed';
  return (await isDeclaredType(bytes, declared)) ? undefined : 'type_mismatch';
}

/** Whether a file's first bytes are the type it was declared as (`file-type` reads the magic numbers). */
export async function isDeclaredType(firstBytes: Uint8Array, declared: DocumentContentType): Promise<boolean> {
  // loaded here: of the functions that share this module only the scan reads file types
  const { fileTypeFromBuffer } = await import('file-type');
  return matchesDeclaredType((await fileTypeFromBuffer(firstBytes))?.mime, declared);
}

/** Who hears of a new document: the attorney of one the doctor added, the doctor of one the attorney added, both for a coordinator's. */
async function otherSide(
  record: CaseRecord,
  uploadedBy: Party,
  p: Pick<Ports, 'store'>,
): Promise<{ party: 'attorney' | 'doctor'; email: string }[]> {
  const out: { party: 'attorney' | 'doctor'; email: string }[] = [];
  if (uploadedBy !== 'attorney') out.push({ party: 'attorney', email: record.referral.attorney.email });
  const doctor = uploadedBy !== 'doctor' && (await assignedDoctor(record, p));
  if (doctor) out.push({ party: 'doctor', email: doctor.email });
  return out;
}

/** The page where a party reads a case's documents: the attorney's, the doctor's, or the console. */
function pageFor(party: Party, baseUrl: string): string {
  return `${baseUrl}${party === 'attorney' ? '/referrals/' : party === 'doctor' ? '/cases/' : '/console/'}`;
}

/** Documents not past their retention (the table's TTL removes items some time after it, not at once). */
function current(documents: CaseDocument[], p: Pick<Ports, 'clock'>): CaseDocument[] {
  const now = p.clock.now().toISOString();
  return documents.filter((d) => !d.expiresAt || d.expiresAt > now);
}

function view(d: CaseDocument): DocumentView {
  const { documentId, kind, fileName, contentType, size, status, uploadedBy, uploadedAt, expiresAt } = d;
  return { documentId, kind, fileName, contentType, size, status, uploadedBy, uploadedAt, ...(expiresAt ? { expiresAt } : {}) };
}

/** The timeline's actor for a party: as the other flows write it (`attorney`, `doctor:<id>`, `staff:<email>`). */
function actorOf(record: CaseRecord, party: Party, caller: Caller): string {
  if (party === 'staff' && caller.kind === 'staff') return caller.by;
  return party === 'doctor' ? `doctor:${record.assignedDoctorId}` : party;
}

/** A coordinator's address from their actor (`staff:<email>`), when it is one. */
function staffEmail(by: string): string | undefined {
  const email = by.replace(/^staff:/, '');
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : undefined;
}
