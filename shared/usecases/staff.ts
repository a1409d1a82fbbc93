import type { Ports } from '../deps.js';
import { casesCsv, programMetrics, rangeInstants, type DateRange } from '../domain/metrics.js';
import { STATUSES, type CaseRecord, type Status, type TimelineEvent } from '../domain/types.js';
import { aNumber } from '../domain/referral.js';
import { NotFoundError, UnprocessableError } from '../http/errors.js';
import type { CaseSummary } from '../store/store.js';

/**
 * Cases by status (every status when none is given), newest first. With an A-number (normalized like
 * the intake's), only that person's cases, through the index on its keyed hash.
 */
export async function listCases(status: Status | undefined, aNumberFilter: string | undefined, p: Pick<Ports, 'store' | 'keyedHash'>) {
  let found: CaseSummary[];
  if (aNumberFilter !== undefined) {
    const parsed = aNumber.safeParse(aNumberFilter);
    if (!parsed.success) throw new UnprocessableError('invalid A-number', [{ path: 'aNumber', message: 'must be 8 or 9 digits, optionally after a leading A' }]);
    found = (await p.store.casesByANumberHash(await p.keyedHash.hash(parsed.data))).filter((c) => !status || c.status === status);
  } else {
    found = (await Promise.all((status ? [status] : STATUSES).map((s) => p.store.listCases(s)))).flat();
  }
  return found
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map(queueItem);
}

/** A case as the queue shows it: no PHI, only what a coordinator scans (urgency, reasons, wave, deadline, doctor). */
export function queueItem(c: CaseSummary & Partial<CaseRecord>) {
  const { referralId, status, urgency, createdAt, assignedDoctorId, holdReason, duplicateOf, reasons, wave, nextWaveAt } = c;
  return {
    referralId, status, urgency, createdAt, assignedDoctorId, holdReason, duplicateOf,
    // read from the status index; the A-number index carries only the summary fields above
    reasons, wave, nextWaveAt, deadline: c.referral?.request?.deadline,
  };
}

/** The full case with offers and timeline; the read itself goes on the timeline first (who, when). */
export async function caseDetail(referralId: string, actor: string, p: Pick<Ports, 'store' | 'clock'>) {
  const record = await p.store.getCase(referralId);
  if (!record) throw new NotFoundError('no such referral');
  await p.store.addEvent(referralId, { at: p.clock.now().toISOString(), event: 'viewed', actor });
  const [offers, timeline] = await Promise.all([p.store.listOffers(referralId), p.store.timeline(referralId)]);
  const { outcomeTokenHash: _o, outcomeTokenExpiresAt: _e, aNumberHash: _h, ...rest } = record;
  return {
    ...rest,
    offers: offers.map(({ tokenHashes: _t, ...offer }) => offer),
    timeline,
  };
}

/** A coordinator's note on the timeline, with who wrote it; 404 for an unknown case. */
export async function addNote(referralId: string, text: string, actor: string, p: Pick<Ports, 'store' | 'clock'>): Promise<TimelineEvent> {
  if (!(await p.store.getCase(referralId))) throw new NotFoundError('no such referral');
  const event: TimelineEvent = { at: p.clock.now().toISOString(), event: 'note', actor, details: { text } };
  await p.store.addEvent(referralId, event);
  return event;
}

/** Program metrics over the cases submitted in a range of program-time-zone days (read through the creation-date index). */
export async function metrics(range: DateRange, p: Pick<Ports, 'store' | 'config'>) {
  const { start, end } = rangeInstants(range, p.config.PROGRAM_TIME_ZONE);
  return programMetrics(await p.store.casesCreatedBetween(start, end), range, p.config.PROGRAM_TIME_ZONE);
}

/** The same cases as `metrics`, one CSV row each, with no PHI; and a file name for the download. */
export async function casesReport(range: DateRange, p: Pick<Ports, 'store' | 'config'>): Promise<{ filename: string; csv: string }> {
  const { start, end } = rangeInstants(range, p.config.PROGRAM_TIME_ZONE);
  const csv = casesCsv(await p.store.casesCreatedBetween(start, end), p.config.PROGRAM_TIME_ZONE);
  return { filename: `medreview-referrals-${range.from}-to-${range.to}.csv`, csv };
}
