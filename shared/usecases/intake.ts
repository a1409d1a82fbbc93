import type { Config } from '../config.js';
import type { Referral } from '../domain/referral.js';
import { triage, type Urgency } from '../domain/triage.js';
import { publicStatus, type CaseRecord, type Status } from '../domain/types.js';
import type { Clock, KeyedHashPort } from '../ports.js';
import type { Admission, StorePort } from '../store/port.js';
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
 * 3. one conditional write under a new random id (a taken id draws another) that also counts the case
 *    against the allowances it counts against; when one filled up meanwhile, the case is stored as over it.
 *    With an Idempotency-Key (`key`, scoped to the submitter) the id is the one that key gives: a run of
 *    the key finding its case already stored (an earlier run outlived its idempotency record: a timeout,
 *    a crash) answers that case, so a key never makes two referrals
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
  const { aNumberHash, counts, over, ...admitted } = await admit(
    { referralId, email: referral.attorney.email, urgency, aNumberHash: ports.keyedHash.hash(referral.client.aNumber) },
    ports,
  );
  let [admission, counted]: [Admission, typeof counts] = [admitted, counts];
  for (let draws = 1; ; ) {
    const now = ports.clock.now();
    const record: CaseRecord = {
      referralId,
      ...admission,
      urgency,
      reasons,
      createdAt: now.toISOString(),
      referral,
      aNumberHash,
      // top level, so the queue's indexes can carry it (the referral itself stays out of them)
      deadline: referral.request.deadline,
      wave: 0,
    };
    const stored = counted
      ? await ports.store.createCounted(record, counted, now)
      : (await ports.store.createCase(record))
        ? 'created'
        : 'taken';
    if (stored === 'created') return { referralId, status: publicStatus(admission.status), urgency, reasons };
    if (stored === 'over') {
      // an allowance filled up since it was read: the same referral, stored as over it
      [admission, counted] = [over!, undefined];
      continue;
    }
    if (key && draws === 1) {
      const earlier = await ports.store.getCase(referralId);
      // the key's own case (same attorney, same patient); anything else holds the id by chance: draw another
      if (earlier && earlier.referral.attorney.email === referral.attorney.email && earlier.aNumberHash === aNumberHash)
        return { referralId, status: publicStatus(earlier.status), urgency: earlier.urgency, reasons: earlier.reasons };
    }
    if (draws++ >= 5) throw new Error('no free referral id after 5 draws');
    referralId = newReferralId();
  }
}
