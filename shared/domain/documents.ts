import * as z from '../zod.js';

/**
 * Case documents: the client's records in, the doctor's declaration or evaluation out. What a document
 * is, who may upload which kind, and the limits, as data.
 */

export const DOCUMENT_KINDS = ['medical_record', 'declaration', 'evaluation', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The content types accepted, each with the extension of the name a download is saved under. */
export const DOCUMENT_TYPES = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/heic': 'heic',
} as const;
export type DocumentContentType = keyof typeof DOCUMENT_TYPES;

/** 25 MiB: the largest upload (the presigned POST's `content-length-range` holds S3 itself to it). */
export const MAX_DOCUMENT_BYTES = 25 * 1024 * 1024;
/** Documents one case may hold (rejected ones included: each was an upload the case was given). */
export const MAX_DOCUMENTS_PER_CASE = 20;
/** How long an upload's presigned POST is valid. */
export const UPLOAD_SECONDS = 10 * 60;
/** How long a download's presigned GET is valid. */
export const DOWNLOAD_SECONDS = 5 * 60;
/** The tag closing a case sets on its objects; the bucket's lifecycle rule expires what carries it. */
export const RETENTION_TAG = { 'medreview-retention': 'case-closed' } as const;

/** When a closed case's documents go: `days` (`DOCUMENT_RETENTION_DAYS`) after its close. */
export const retentionEnd = (closedAt: string, days: number): string => new Date(Date.parse(closedAt) + days * 86_400_000).toISOString();

/** Who uploaded: the case's attorney, its accepted doctor, or a coordinator. */
export type Uploader = 'attorney' | 'doctor' | 'staff';
export type DocumentStatus = 'scanning' | 'available' | 'rejected';

/** The kinds each party may upload: records go in from the attorney, the declaration and evaluation come out from the doctor. */
export const KINDS_BY_UPLOADER: Record<Uploader, readonly DocumentKind[]> = {
  attorney: ['medical_record', 'other'],
  doctor: ['declaration', 'evaluation'],
  staff: DOCUMENT_KINDS,
};

/**
 * One document of a case, kept under the case in the table (encrypted with it by the table's key).
 * `fileName` is the uploader's own name for the file: it appears only in the API's answers to the case's
 * parties, never in an object key, a download URL, a log line, a metric or a message.
 */
export interface CaseDocument {
  referralId: string;
  documentId: string;
  kind: DocumentKind;
  fileName: string;
  contentType: DocumentContentType;
  size: number;
  status: DocumentStatus;
  uploadedBy: Uploader;
  /** Where to tell the uploader that a file was rejected (a professional's address, never the patient's). */
  uploaderEmail?: string;
  uploadedAt: string;
  /** When the scan decided (available or rejected), and why a rejected one was. */
  scannedAt?: string;
  rejectedBecause?: RejectReason;
  /** Set when the case closed: the document (object and item) is gone after this. */
  expiresAt?: string;
}

/** Why a document was rejected: the malware scan found a threat, its first bytes are not its declared type, or the scan could not run. */
export type RejectReason = 'threat' | 'type_mismatch' | 'scan_failed';

/** `POST /api/cases/{referralId}/documents`: what the uploader says about the file. */
export const DocumentUploadBody = z.strictObject({
  kind: z.enum(DOCUMENT_KINDS, { error: `must be one of: ${DOCUMENT_KINDS.join(', ')}` }),
  fileName: z.string({ error: 'must be a string' }).check(
    z.trim(),
    z.minLength(1, { error: 'must not be empty' }),
    z.maxLength(255, { error: 'must be at most 255 characters' }),
    z.refine((s) => !/[\p{Cc}/\\]/u.test(s), { error: 'must not contain control characters or slashes' }),
  ),
  contentType: z.enum(Object.keys(DOCUMENT_TYPES) as [DocumentContentType, ...DocumentContentType[]], {
    error: `must be one of: ${Object.keys(DOCUMENT_TYPES).join(', ')}`,
  }),
  size: z
    .int({ error: 'must be a whole number of bytes' })
    .check(
      z.minimum(1, { error: 'must be at least 1 byte' }),
      z.maximum(MAX_DOCUMENT_BYTES, { error: `must be at most ${MAX_DOCUMENT_BYTES} bytes (25 MiB)` }),
    ),
});
export type DocumentUpload = z.output<typeof DocumentUploadBody>;

/** A document's opaque object key: the case and the document's id, never the file name (S3's access logs record keys). */
export const documentKey = (referralId: string, documentId: string) => `cases/${referralId}/${documentId}`;
/** Every object of a case (retention tags them all at close). */
export const casePrefix = (referralId: string) => `cases/${referralId}/`;

/** The ids an object key names, or undefined for a key that is not a document's. */
export function parseDocumentKey(key: string): { referralId: string; documentId: string } | undefined {
  const m = /^cases\/(MR-[0-9A-Z]{8})\/(D-[0-9A-Z]{16})$/.exec(key);
  return m ? { referralId: m[1]!, documentId: m[2]! } : undefined;
}

/** The name a download is saved under: its kind and id, never the uploader's file name (it would be in the URL). */
export const downloadName = (d: Pick<CaseDocument, 'kind' | 'documentId' | 'contentType'>) =>
  `${d.kind}-${d.documentId}.${DOCUMENT_TYPES[d.contentType]}`;

/**
 * The content types a file's first bytes may be detected as for each declared type (`file-type`'s
 * names): a HEIC photo's container may be labelled by its brand as HEIF.
 */
const DETECTED_AS: Record<DocumentContentType, readonly string[]> = {
  'application/pdf': ['application/pdf'],
  'image/jpeg': ['image/jpeg'],
  'image/png': ['image/png'],
  'image/heic': ['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence'],
};

/** Whether the type detected from a file's first bytes (undefined: none recognised) is the declared one. */
export function matchesDeclaredType(detected: string | undefined, declared: DocumentContentType): boolean {
  return detected !== undefined && DETECTED_AS[declared].includes(detected);
}
