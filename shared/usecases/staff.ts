import * as z from '../zod.js';
import type { Deps, Ports } from '../deps.js';
import { mapLimit } from '../concurrency.js';
import { casesCsv, programMetrics, rangeInstants, type DateRange, type ReportCase } from '../domain/metrics.js';
import { STATUSES, type CaseRecord, type Offer, type TimelineEvent } from '../domain/types.js';
import { aNumber } from '../domain/referral.js';
import { CaseNotFoundError, InvalidInputError } from '../domain/errors.js';
import { pageOfCases, pageParams } from './case-pages.js';

/** The staff list's query: filters (each served by an index) and paging. */
export const ListQuery = z.object({
  status: z.optional(z.enum(STATUSES, { error: `must be one of: ${STATUSES.join(', ')}` })),
  aNumber: z.optional(aNumber),
  ...pageParams(200),
  /**
   * `queue`: each item also carries what the console's queue shows (reasons, wave, next wave, deadline,
   * facility state, specialty, attorney organisation). `urgent_open`: the same items, but only the urgent
   * cases that still need a doctor (paging, escalated, held), oldest first, through their own index.
   */
  view: z.optional(z.enum(['queue', 'urgent_open'], { error: 'must be queue or urgent_open when given' })),
});

/**
 * One page of cases, newest first: `limit` items and `nextCursor` while more follow. With an A-number
 * (normalized like the intake's), only that person's cases, through the index on its keyed hash. A
 * cursor that this list did not hand out (or with other filters) is a 422 at `cursor`.
 */
export async function listCases(query: z.output<typeof ListQuery>, p: Pick<Deps, 'store' | 'keyedHash'>) {
  const needsDoctor = query.view === 'urgent_open';
  if (needsDoctor && (query.status !== undefined || query.aNumber !== undefined)) {
    throw new InvalidInputError('invalid query', [{ path: 'view', message: 'urgent_open takes no status or aNumber filter' }]);
  }
  const aNumberHash = query.aNumber === undefined ? undefined : await p.keyedHash.hash(query.aNumber);
  const filter = needsDoctor ? { needsDoctor } : { status: query.status, aNumberHash };
  const page = await pageOfCases(p.store, filter, query.limit, query.cursor);
  const items = page.items.map(query.view === undefined ? listItem : queueItem);
  return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
}

/** A case as the list documents it. */
export function listItem({ referralId, status, urgency, createdAt, assignedDoctorId, holdReason, duplicateOf }: Partial<CaseRecord>) {
  return { referralId, status, urgency, createdAt, assignedDoctorId, holdReason, duplicateOf };
}

/**
 * A case as the queue shows it: no PHI, only what a coordinator scans and tells cases apart by (urgency,
 * reasons, wave, deadline, doctor; the facility's state, the specialty, the attorney's organisation).
 */
export function queueItem(c: Partial<CaseRecord>) {
  const { reasons, wave, nextWaveAt } = c;
  return {
    ...listItem(c),
    reasons,
    wave,
    nextWaveAt,
    deadline: c.deadline ?? c.referral?.request?.deadline,
    facilityState: c.facilityState ?? c.referral?.custody?.facilityState,
    specialty: c.specialty ?? c.referral?.request?.specialty,
    attorneyOrganization: c.attorneyOrganization ?? c.referral?.attorney?.organization,
  };
}

/** The full case with offers and timeline; the read itself goes on the timeline first (who, when). */
export async function caseDetail(referralId: string, actor: string, p: Pick<Ports, 'store' | 'clock'>) {
  const record = await p.store.getCase(referralId);
  if (!record) throw new CaseNotFoundError();
  await p.store.addEvent(referralId, { at: p.clock.now().toISOString(), event: 'viewed', actor });
  const [offers, timeline] = await Promise.all([p.store.listOffers(referralId), p.store.timeline(referralId)]);
  // the list copies (facility state, specialty, organisation) are in the referral already
  const {
    outcomeTokenHash: _o,
    outcomeTokenExpiresAt: _e,
    aNumberHash: _h,
    facilityState: _f,
    specialty: _s,
    attorneyOrganization: _a,
    ...rest
  } = record;
  return {
    ...rest,
    offers: offers.map(({ tokenHashes: _t, ...offer }) => offer),
    timeline: withPages(timeline, offers),
  };
}

/**
 * The timeline with who was paged: each offer is a page to one doctor at its creation (wave, and how far
 * each channel got), read from the offers already loaded rather than written twice. Oldest first.
 */
function withPages(timeline: TimelineEvent[], offers: Offer[]): TimelineEvent[] {
  const pages = offers.map(
    (o): TimelineEvent => ({
      at: o.createdAt,
      event: 'paged',
      actor: `doctor:${o.doctorId}`,
      details: { wave: o.wave, sms: o.sms, email: o.email },
    }),
  );
  // stable: a page sorts before the events of the same instant that follow from it
  return [...pages, ...timeline].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** A coordinator's note on the timeline, with who wrote it; 404 for an unknown case. */
export async function addNote(referralId: string, text: string, actor: string, p: Pick<Ports, 'store' | 'clock'>): Promise<TimelineEvent> {
  if (!(await p.store.getCase(referralId))) throw new CaseNotFoundError();
  const event: TimelineEvent = { at: p.clock.now().toISOString(), event: 'note', actor, details: { text } };
  await p.store.addEvent(referralId, event);
  return event;
}

/** Program metrics over the cases submitted in a range of program-time-zone days (read through the creation-date index). */
export async function metrics(range: DateRange, p: Pick<Ports, 'store' | 'config'>) {
  const { start, end } = rangeInstants(range, p.config.PROGRAM_TIME_ZONE);
  return programMetrics(await withCareDates(await p.store.casesCreatedBetween(start, end), p), range, p.config.PROGRAM_TIME_ZONE);
}

/**
 * The release, first handoff and care dates of the released and closed cases, read case by case (8 at a
 * time): the creation-date index projects the list fields only, and released patients are a small share.
 */
async function withCareDates(cases: ReportCase[], p: Pick<Ports, 'store'>): Promise<ReportCase[]> {
  return mapLimit(cases, 8, async (c) => {
    if (c.status !== 'released' && c.status !== 'closed') return c;
    const record = await p.store.getCase(c.referralId);
    if (!record?.release) return c;
    const { firstHandoffAt, careEstablishedAt } = record;
    return { ...c, releasedOn: record.release.releasedOn, firstHandoffAt, careEstablishedAt };
  });
}

/** The same cases as `metrics`, one CSV row each, with no PHI; and a file name for the download. */
export async function casesReport(range: DateRange, p: Pick<Ports, 'store' | 'config'>): Promise<{ filename: string; csv: string }> {
  const { start, end } = rangeInstants(range, p.config.PROGRAM_TIME_ZONE);
  const csv = casesCsv(await withCareDates(await p.store.casesCreatedBetween(start, end), p), p.config.PROGRAM_TIME_ZONE);
  return { filename: `medreview-referrals-${range.from}-to-${range.to}.csv`, csv };
}
