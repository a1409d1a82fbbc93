import * as z from '../../shared/zod.js';
import { DOCUMENT_KINDS, DOCUMENT_TYPES, DocumentUploadBody, type DocumentContentType } from '../../shared/domain/documents.js';
import { instant, referralId, type Contracts } from '../../shared/http/contract.js';
import type { RouteKey } from '../routes.js';

export { DocumentUploadBody };

const documentId = z.string().check(z.regex(/^D-[0-9A-HJKMNP-TV-Z]{16}$/));

/** A document as its case's parties see it. */
export const DocumentView = z.strictObject({
  documentId,
  kind: z.enum(DOCUMENT_KINDS),
  fileName: z.string(),
  contentType: z.enum(Object.keys(DOCUMENT_TYPES) as [DocumentContentType, ...DocumentContentType[]]),
  size: z.int(),
  status: z.enum(['scanning', 'available', 'rejected']),
  uploadedBy: z.enum(['attorney', 'doctor', 'staff']),
  uploadedAt: instant,
  /** Once the case closed: when the document is deleted. */
  expiresAt: z.optional(instant),
});
/** The same, as the console and the people's pages read it. */
export type CaseDocument = z.infer<typeof DocumentView>;

const NOT_A_PARTY = 'no such referral, or you have no part in it (the attorney who submitted it, the doctor who accepted it, coordinators)';

export const contract = (): Contracts<RouteKey<'documents'>> => ({
  'POST /api/cases/{referralId}/documents': {
    summary: "Start an upload to a case: a presigned POST for the file (the key, content type and size fixed by S3's policy)",
    params: z.object({ referralId }),
    body: DocumentUploadBody,
    responses: {
      201: {
        description:
          'the document, `scanning` until the malware scan and the magic-byte check decide; POST the file to `upload.url` as multipart form data with every field of `upload.fields` and then `file`, within 10 minutes',
        schema: z.strictObject({
          documentId,
          upload: z.strictObject({ url: z.string(), fields: z.record(z.string(), z.string()) }),
        }),
      },
    },
    errors: {
      404: NOT_A_PARTY,
      409: 'the case holds 20 documents already, or it is closed',
    },
  },
  'GET /api/cases/{referralId}/documents': {
    summary: "A case's documents, oldest first",
    params: z.object({ referralId }),
    responses: { 200: { description: 'the documents', schema: z.strictObject({ items: z.array(DocumentView) }) } },
    errors: { 404: NOT_A_PARTY },
  },
  'GET /api/cases/{referralId}/documents/{documentId}': {
    summary: 'Download a document: a presigned GET valid 5 minutes, saved as an attachment; the download is on the timeline',
    params: z.object({ referralId, documentId }),
    responses: { 200: { description: 'where to download it', schema: z.strictObject({ url: z.string() }) } },
    errors: {
      404: `${NOT_A_PARTY}; or no such document`,
      409: 'the document is still being scanned, or was rejected',
    },
  },
});
