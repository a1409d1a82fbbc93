import type { Config } from '../config.js';
import type { Referral } from '../domain/referral.js';
import { triage, type Urgency } from '../domain/triage.js';
import type { CaseRecord, Status } from '../domain/types.js';
import type { Clock, KeyedHashPort } from '../ports.js';
import type { StorePort } from '../store/port.js';
import { newReferralId } from '../tokens.js';
import type { Admission } from '../store/port.js';
import { admit, isTrusted } from './trust.js';

/** What the attorney gets back (and what the idempotency record stores): no PHI, and no hold reason. */
export interface IntakeResult {
  referralId: string;
  status: Status;
  urgency: Urgency;
  reasons: string[];
}

/**
 * Stores a validated referral.
 * 1. triage by the rule table on the program's calendar date
 * 2. the keyed hash of the A-number (the duplicate index holds that, never the A-number)
 * 3. trust and holds: an untrusted address → `awaiting_verification`; otherwise the admission rules
 *    (duplicate, the submitter's daily urgent limit) decide `held`, `paging` or `awaiting_review`
 * 4. a conditional put under a new random id (a taken id draws another)
 * Paging, the verification email and the receipt follow from the table stream, so a stored referral is never missed.
 */
export async function submitReferral(
  referral: Referral,
  today: string,
  ports: { store: StorePort; clock: Clock; keyedHash: KeyedHashPort; config: Pick<Config, 'URGENT_PER_SUBMITTER_PER_DAY'> },
): Promise<IntakeResult> {
  const { urgency, reasons } = triage(referral, today);
  const aNumberHash = await ports.keyedHash.hash(referral.client.aNumber);
  let referralId = newReferralId();
  const email = referral.attorney.email;
  const admission: Admission = (await isTrusted(email, ports))
    ? await admit({ referralId, email, urgency, aNumberHash }, ports)
    : { status: 'awaiting_verification' };
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
    if (await ports.store.createCase(record)) return { referralId, status: admission.status, urgency, reasons };
    if (attempt >= 4) throw new Error('no free referral id after 5 draws');
    referralId = newReferralId();
  }
}
