import type { Referral } from '../domain/referral.js';
import { triage, type Urgency } from '../domain/triage.js';
import type { CaseRecord } from '../domain/types.js';
import type { Clock } from '../ports.js';
import type { Store } from '../store/store.js';
import { newReferralId } from '../tokens.js';

/** What the attorney gets back (and what the idempotency record stores): no PHI. */
export interface IntakeResult {
  referralId: string;
  status: 'paging' | 'awaiting_review';
  urgency: Urgency;
  reasons: string[];
}

/**
 * Stores a validated referral.
 * 1. triage by the rule table on the program's calendar date
 * 2. a new random id; a conditional put (a taken id draws another)
 * Paging and the receipt follow from the table stream, so a stored referral is never missed.
 */
export async function submitReferral(
  referral: Referral,
  today: string,
  ports: { store: Store; clock: Clock },
): Promise<IntakeResult> {
  const { urgency, reasons } = triage(referral, today);
  const status = urgency === 'urgent' ? 'paging' : 'awaiting_review';
  for (let attempt = 0; ; attempt++) {
    const record: CaseRecord = {
      referralId: newReferralId(),
      status,
      urgency,
      reasons,
      createdAt: ports.clock.now().toISOString(),
      referral,
      wave: 0,
    };
    if (await ports.store.createCase(record)) return { referralId: record.referralId, status, urgency, reasons };
    if (attempt >= 4) throw new Error('no free referral id after 5 draws');
  }
}
