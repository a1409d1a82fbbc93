import type { Ports } from '../deps.js';
import { OPEN_FOR_OFFERS, type Offer } from '../domain/types.js';
import { waveScheduleName } from '../domain/waves.js';
import { LinkExpiredError, LinkInvalidError, LinkUsedError, OfferNotFoundError } from '../domain/errors.js';
import { tokenMatches } from '../tokens.js';

export type OfferState = 'open' | 'accepted_by_you' | 'taken' | 'closed';
export type AcceptOutcome = 'accepted' | 'already_yours' | 'taken' | 'closed';
export type DeclineOutcome = 'declined' | 'accepted' | 'closed';

/**
 * The offer a link token opens: unknown offer 404, wrong token 403, a declined offer or an expired
 * token 410. (The winning doctor's link keeps working, so a repeated accept answers the same.)
 */
export async function offerForToken(offerId: string, token: unknown, p: Pick<Ports, 'store' | 'clock'>): Promise<Offer> {
  const offer = await p.store.getOfferById(offerId);
  if (!offer) throw new OfferNotFoundError();
  if (!tokenMatches(token, offer.tokenHashes.sms) && !tokenMatches(token, offer.tokenHashes.email)) {
    throw new LinkInvalidError('offer');
  }
  if (offer.state === 'declined') throw new LinkUsedError();
  if (offer.state !== 'accepted' && offer.tokenExpiresAt < p.clock.now().toISOString()) throw new LinkExpiredError();
  return offer;
}

/** What a doctor may see before accepting: triage facts, no PHI. */
export async function offerSummary(offer: Offer, p: Pick<Ports, 'store'>) {
  const record = await p.store.getCase(offer.referralId);
  if (!record) throw new OfferNotFoundError();
  const { request, client } = record.referral;
  return {
    referralId: record.referralId,
    urgency: record.urgency,
    reasons: record.reasons,
    specialty: request.specialty,
    language: client.language,
    services: request.services,
    deadline: request.deadline ?? null,
    state: offerState(offer, record.assignedDoctorId, OPEN_FOR_OFFERS.includes(record.status)),
  };
}

function offerState(offer: Offer, assignedDoctorId: string | undefined, caseOpen: boolean): OfferState {
  if (offer.state === 'accepted' || assignedDoctorId === offer.doctorId) return 'accepted_by_you';
  if (assignedDoctorId) return 'taken';
  return offer.state === 'open' && caseOpen ? 'open' : 'closed';
}

/**
 * Accepts an offer. One conditional transaction decides: the first accept wins under any concurrency;
 * the winner repeating gets the same answer; everybody else learns it was taken. The rest (schedules,
 * "no longer needed", introductions) follows from the table stream.
 */
export async function acceptOffer(offer: Offer, p: Pick<Ports, 'store' | 'clock'>): Promise<AcceptOutcome> {
  if (offer.state === 'accepted') return 'already_yours';
  const now = p.clock.now().toISOString();
  if (offer.state === 'open' && (await p.store.acceptOffer(offer, now))) {
    await p.store.addEvent(offer.referralId, {
      at: now,
      event: 'accepted',
      actor: `doctor:${offer.doctorId}`,
      details: { wave: offer.wave },
    });
    return 'accepted';
  }
  const record = await p.store.getCase(offer.referralId);
  if (record?.assignedDoctorId === offer.doctorId) return 'already_yours';
  return record?.assignedDoctorId ? 'taken' : 'closed';
}

/**
 * Declines an offer (its links are used up). When every doctor of the case's current wave has
 * declined, the next wave starts at once.
 */
export async function declineOffer(offer: Offer, reason: string | undefined, p: Ports): Promise<DeclineOutcome> {
  if (offer.state === 'accepted') return 'accepted';
  const now = p.clock.now().toISOString();
  if (!(await p.store.closeOffer(offer, 'declined', now, reason))) {
    const fresh = await p.store.getOffer(offer.referralId, offer.doctorId);
    return fresh?.state === 'accepted' ? 'accepted' : 'closed';
  }
  await p.store.addEvent(offer.referralId, {
    at: now,
    event: 'declined',
    actor: `doctor:${offer.doctorId}`,
    details: { wave: offer.wave },
  });
  const record = await p.store.getCase(offer.referralId);
  if (record?.status === 'paging') {
    const wave = (await p.store.listOffers(offer.referralId)).filter((o) => o.wave === record.wave);
    if (wave.length > 0 && wave.every((o) => o.state === 'declined')) {
      await p.scheduler.delete(waveScheduleName(record.wave + 1, record.referralId));
      // the rare path: paging (and its SDK clients, see functions/offers) loads only when a wave has emptied
      const { runWave } = await import('./paging.js');
      await runWave(record.referralId, record.wave + 1, p);
    }
  }
  return 'declined';
}
