import type { Ports } from '../deps.js';
import { STATUSES, type Status } from '../domain/types.js';
import { CaseNotFoundError } from '../domain/errors.js';

/** Cases by status (every status when none is given), newest first. */
export async function listCases(status: Status | undefined, p: Pick<Ports, 'store'>) {
  const lists = await Promise.all((status ? [status] : STATUSES).map((s) => p.store.listCases(s)));
  return lists.flat()
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map(({ referralId, status: st, urgency, createdAt, assignedDoctorId }) => ({ referralId, status: st, urgency, createdAt, assignedDoctorId }));
}

/** The full case with offers and timeline; the read itself goes on the timeline first (who, when). */
export async function caseDetail(referralId: string, actor: string, p: Pick<Ports, 'store' | 'clock'>) {
  const record = await p.store.getCase(referralId);
  if (!record) throw new CaseNotFoundError();
  await p.store.addEvent(referralId, { at: p.clock.now().toISOString(), event: 'viewed', actor });
  const [offers, timeline] = await Promise.all([p.store.listOffers(referralId), p.store.timeline(referralId)]);
  const { outcomeTokenHash: _o, outcomeTokenExpiresAt: _e, ...rest } = record;
  return {
    ...rest,
    offers: offers.map(({ tokenHashes: _t, ...offer }) => offer),
    timeline,
  };
}
