import * as z from '../../shared/zod.js';
import { referralSchema } from '../../shared/domain/referral.js';
import { instant, referralId, Status, Urgency, type Contracts } from '../../shared/http/contract.js';
import { PortalListQuery } from '../../shared/usecases/portal.js';
import { DocumentView } from '../documents/contract.js';
import type { RouteKey } from '../routes.js';

/** The portal's declarations (built when the OpenAPI document is, not at the handler's cold start). */
export function contract(): Contracts<RouteKey<'portal'>> {
  const person = { name: z.string(), email: z.string(), phone: z.string() };
  const ListItem = z.strictObject({
    referralId,
    createdAt: instant,
    urgency: Urgency,
    // the public status: a hold reads awaiting_review
    status: Status,
    doctor: z.optional(z.strictObject({ name: z.string() })),
  });
  const List = z.strictObject({ items: z.array(ListItem), nextCursor: z.optional(z.string()) });
  const PublicEvent = z.strictObject({
    at: instant,
    event: z.enum(['received', 'doctor_assigned', 'released', 'outcome', 'document_added']),
    outcome: z.optional(z.string()),
  });
  const detail = {
    referralId,
    createdAt: instant,
    urgency: Urgency,
    status: Status,
    referral: referralSchema('2000-01-01'),
    doctor: z.optional(z.strictObject(person)),
    outcome: z.optional(z.string()),
    closedAt: z.optional(instant),
    documents: z.array(DocumentView),
    // documents are deleted this many days after the case closes: when, once it has
    documentRetentionDays: z.int(),
    documentsDeletedAfter: z.optional(instant),
    events: z.array(PublicEvent),
  };
  const AttorneyCase = z.strictObject(detail);
  const DoctorCase = z.strictObject({
    ...detail,
    attorney: z.strictObject({ ...person, organization: z.optional(z.string()) }),
  });
  const notFound = { 404: 'no such referral, or one this person has no part in (the same answer: that a case exists is protected)' };
  const attorney = ['attorney'];
  const doctor = ['doctor'];
  return {
    'GET /api/attorney/referrals': {
      summary: "The signed-in attorney's referrals, newest first, with their public status",
      query: PortalListQuery,
      security: attorney,
      responses: { 200: { description: 'one page; follow nextCursor until it is absent', schema: List } },
      errors: { 422: 'limit or cursor is not valid' },
    },
    'GET /api/attorney/referrals/{id}': {
      summary: 'One referral as its attorney submitted it, with its doctor (once one accepted) and its public events',
      params: z.object({ id: referralId }),
      security: attorney,
      responses: { 200: { description: 'the referral; the read is recorded on the timeline', schema: AttorneyCase } },
      errors: notFound,
    },
    'GET /api/doctor/cases': {
      summary: 'The cases the signed-in roster doctor accepted, newest first',
      query: PortalListQuery,
      security: doctor,
      responses: { 200: { description: 'one page; follow nextCursor until it is absent', schema: List } },
      errors: { 404: "the signed-in email is not a roster doctor's", 422: 'limit or cursor is not valid' },
    },
    'GET /api/doctor/cases/{id}': {
      summary: "One accepted case: the full referral (where the doctor reads the patient's details) and the attorney's contact",
      params: z.object({ id: referralId }),
      security: doctor,
      responses: { 200: { description: 'the case; the read is recorded on the timeline', schema: DoctorCase } },
      errors: notFound,
    },
  };
}
