import type { Ports } from '../deps.js';
import { STATUSES, type CaseRecord, type Status } from '../domain/types.js';
import { NotFoundError } from '../http/errors.js';

/** Cases by status (every status when none is given), newest first. */
export async function listCases(status: Status | undefined, p: Pick<Ports, 'store'>) {
  const lists = await Promise.all((status ? [status] : STATUSES).map((s) => p.store.listCases(s)));
  return lists.flat()
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map(queueItem);
}

/** A case as the queue shows it: no PHI, only what a coordinator scans (urgency, reasons, wave, deadline, doctor). */
export function queueItem(c: CaseRecord) {
  const { referralId, status, urgency, createdAt, assignedDoctorId, reasons, wave, nextWaveAt } = c;
  return { referralId, status, urgency, createdAt, assignedDoctorId, reasons, wave, nextWaveAt, deadline: c.referral?.request?.deadline };
}

/** The full case with offers and timeline; the read itself goes on the timeline first (who, when). */
export async function caseDetail(referralId: string, actor: string, p: Pick<Ports, 'store' | 'clock'>) {
  const record = await p.store.getCase(referralId);
  if (!record) throw new NotFoundError('no such referral');
  await p.store.addEvent(referralId, { at: p.clock.now().toISOString(), event: 'viewed', actor });
  const [offers, timeline] = await Promise.all([p.store.listOffers(referralId), p.store.timeline(referralId)]);
  const { outcomeTokenHash: _o, outcomeTokenExpiresAt: _e, ...rest } = record;
  return {
    ...rest,
    offers: offers.map(({ tokenHashes: _t, ...offer }) => offer),
    timeline,
  };
}
