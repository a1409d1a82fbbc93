import * as z from '../zod.js';
import type { Ports } from '../deps.js';
import { CaseNotFoundError, UnknownDoctorError } from '../domain/errors.js';
import type { Doctor } from '../domain/roster.js';
import { publicStatus, type CaseRecord, type TimelineEvent } from '../domain/types.js';
import type { CaseFilter } from '../store/port.js';
import { pageOfCases, pageParams } from './case-pages.js';
import { documentsOf } from './documents.js';
import { retentionEnd } from '../domain/documents.js';
import { assignedDoctor, partyOf } from './parties.js';

/**
 * The attorney's and the doctor's own pages: the cases a signed-in person has a part in, and each case
 * as that person may see it. Whose cases they are is decided by `partyOf` (the submitter's email, the
 * accepting doctor's roster email); a case without the caller's part answers 404 like an unknown id.
 */

/** Whose page: the attorney's referrals or the doctor's accepted cases. */
export type PortalRole = 'attorney' | 'doctor';

export const PortalListQuery = z.object(pageParams(100));

/** The timeline events a party sees, as they are named to them; every other event stays with the coordinators. */
const PUBLIC_EVENTS: Record<string, PublicEvent['event']> = {
  received: 'received',
  accepted: 'doctor_assigned',
  released: 'released',
  outcome_reported: 'outcome',
  closed: 'outcome',
  document_added: 'document_added',
};

export interface PublicEvent {
  at: string;
  event: 'received' | 'doctor_assigned' | 'released' | 'outcome' | 'document_added';
  /** For `outcome`: what happened. */
  outcome?: string;
}

/**
 * One page of the caller's cases, newest first, each with its public status (a hold reads as review)
 * and the accepting doctor's name. A doctor is the roster doctor with the caller's email (none: 404).
 */
export async function listMyCases(role: PortalRole, email: string, query: z.output<typeof PortalListQuery>, p: Pick<Ports, 'store'>) {
  const doctors = (await p.store.roster()).doctors;
  const filter: CaseFilter = role === 'attorney' ? { submitter: email } : { doctorId: rosterDoctor(doctors, email).id };
  const page = await pageOfCases(p.store, filter, query.limit, query.cursor);
  const items = page.items.map((c) => {
    const doctor = doctors.find((d) => d.id === c.assignedDoctorId);
    return {
      referralId: c.referralId,
      createdAt: c.createdAt,
      urgency: c.urgency,
      status: publicStatus(c.status),
      ...(doctor ? { doctor: { name: doctor.name } } : {}),
    };
  });
  return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
}

/**
 * One case as its attorney or its doctor sees it: what was submitted, the public status and events, and
 * the other side's contact (the introduction: the doctor's once one accepted; the attorney's, for the
 * doctor), the documents, and how long they are kept: `DOCUMENT_RETENTION_DAYS` after the case closes
 * (`documentsDeletedAfter` once it has). The read goes on the timeline first (who, when), as a records
 * office logs each look at a file.
 * Anyone without that part in the case: CaseNotFoundError (404), the same as for an id that does not exist.
 */
export async function myCase(role: PortalRole, referralId: string, email: string, p: Pick<Ports, 'store' | 'clock' | 'config'>) {
  const record = await p.store.getCase(referralId);
  if (!record || (await partyOf(record, { kind: 'external', email }, p)) !== role) throw new CaseNotFoundError();
  const doctor = await assignedDoctor(record, p);
  await p.store.addEvent(referralId, {
    at: p.clock.now().toISOString(),
    event: 'viewed',
    actor: role === 'attorney' ? 'attorney' : `doctor:${record.assignedDoctorId}`,
  });
  const { name, organization, email: attorneyEmail, phone } = record.referral.attorney;
  const days = p.config.DOCUMENT_RETENTION_DAYS;
  return {
    referralId,
    createdAt: record.createdAt,
    urgency: record.urgency,
    status: publicStatus(record.status),
    referral: record.referral,
    ...(doctor ? { doctor: { name: doctor.name, email: doctor.email, phone: doctor.phone } } : {}),
    ...(role === 'doctor' ? { attorney: { name, ...(organization ? { organization } : {}), email: attorneyEmail, phone } } : {}),
    ...outcomeOf(record),
    documents: await documentsOf(referralId, p),
    documentRetentionDays: days,
    ...(record.closedAt ? { documentsDeletedAfter: retentionEnd(record.closedAt, days) } : {}),
    events: publicEvents(await p.store.timeline(referralId)),
  };
}

/** The doctor of the roster with this email; UnknownDoctorError when no roster doctor has it. */
function rosterDoctor(doctors: Doctor[], email: string): Doctor {
  const doctor = doctors.find((d) => d.email.toLowerCase() === email.toLowerCase());
  if (!doctor) throw new UnknownDoctorError();
  return doctor;
}

/** What became of the case, as far as either side may know: the outcome and when the case was closed. */
function outcomeOf(record: CaseRecord): { outcome?: string; closedAt?: string } {
  const outcome = record.outcome ?? record.attorneyOutcome;
  return { ...(outcome ? { outcome } : {}), ...(record.closedAt ? { closedAt: record.closedAt } : {}) };
}

/** The events a party sees, oldest first, without who did what on the program's side. */
export function publicEvents(timeline: TimelineEvent[]): PublicEvent[] {
  return timeline.flatMap((e) => {
    const event = PUBLIC_EVENTS[e.event];
    if (!event) return [];
    const outcome = event === 'outcome' && typeof e.details?.outcome === 'string' ? { outcome: e.details.outcome } : {};
    return [{ at: e.at, event, ...outcome }];
  });
}
