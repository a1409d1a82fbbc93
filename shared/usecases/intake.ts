import type { Config } from '../config.js';
import type { Referral } from '../domain/referral.js';
import { triage, type Urgency } from '../domain/triage.js';
import { publicStatus, type CaseRecord, type Status } from '../domain/types.js';
import type { Clock, KeyedHashPort } from '../ports.js';
import type { StorePort } from '../store/port.js';
import { newReferralId, referralIdFor } from '../tokens.js';
import { admit } from './trust.js';

/** What the attorney gets back (and what the idempotency record stores): no PHI, and no hold of any kind. */
export interface IntakeResult {
  referralId: string;
  status: Status;
  urgency: Urgency;
  reasons: string[];
}

/**
 * Stores a validated referral from a signed-in attorney (`referral.attorney.email` is the token's).
 * 1. triage by the rule table on the program's calendar date
 * 2. admission (`admit`): the approved list, the duplicate index (by the keyed hash of the A-number, never
 *    the A-number) and the daily allowances decide `held`, `paging` or `awaiting_review`
 * 3. a conditional put under a new random id (a taken id draws another); with an Idempotency-Key
 *    (`key`, scoped to the submitter) under the id that key gives: a run of the key finding its case
 *    already stored (an earlier run outlived its idempotency record: a timeout, a crash) answers that
 *    case, so a key never makes two referrals
 * Paging, the receipt and the coordinators' notices follow from the table stream, so a stored referral is
 * never missed. The answer shows the public status only: a hold reads as review.
 */
export async function submitReferral(
  referral: Referral,
  today: string,
  ports: {
    store: StorePort;
    clock: Clock;
    keyedHash: KeyedHashPort;
    config: Pick<Config, 'URGENT_PER_SUBMITTER_PER_DAY' | 'URGENT_PER_DOMAIN_PER_DAY' | 'ROUTINE_PER_SUBMITTER_PER_DAY'>;
  },
  key?: string,
): Promise<IntakeResult> {
  const { urgency, reasons } = triage(referral, today);
  let referralId = key ? referralIdFor(key) : newReferralId();
  const { aNumberHash, ...admission } = await admit(
    { referralId, email: referral.attorney.email, urgency, aNumberHash: ports.keyedHash.hash(referral.client.aNumber) },
    ports,
  );
  for (let attempt = 0; ; attempt++) {
    const record: CaseRecord = {
      referralId,
      ...admission,
      urgency,
      reasons,
      createdAt: ports.clock.now().toISOString(),
      referral,
      aNumberHash,
      // top level, so the queue's indexes can carry it (the referral itself stays out of them)
      deadline: referral.request.deadline,
      wave: 0,
    };
    if (await ports.store.createCase(record)) return { referralId, status: publicStatus(admission.status), urgency, reasons };
    if (key && attempt === 0) {
      const stored = await ports.store.getCase(referralId);
      // the key's own case (same attorney, same patient); anything else holds the id by chance: draw another
      if (stored && stored.referral.attorney.email === referral.attorney.email && stored.aNumberHash === aNumberHash)
        return { referralId, status: publicStatus(stored.status), urgency: stored.urgency, reasons: stored.reasons };
    }
    if (attempt >= 4) throw new Error('no free referral id after 5 draws');
    referralId = newReferralId();
  }
}
