import { addDays } from '../domain/dates.js';
import { receiptEmail } from '../domain/messages.js';
import type { EmailPort, Clock } from '../ports.js';
import type { StorePort } from '../store/port.js';
import type { CaseRecord } from '../domain/types.js';
import { hashToken, newToken } from '../tokens.js';

export const OUTCOME_TOKEN_DAYS = 90;

/** A claim older than this is taken to have died mid-send. */
const CLAIM_LEASE_MS = 5 * 60_000;

/** An urgent case that is paging (or was, and no intake hold kept it back): what the intake answered `paging`. */
function pagingNow(record: CaseRecord): boolean {
  const heldAtIntake = record.holdReason !== undefined && record.holdReason !== 'page_budget';
  return record.urgency === 'urgent' && record.status !== 'awaiting_verification' && !heldAtIntake;
}

/**
 * Sends the attorney's receipt with a fresh outcome link, once.
 * 1. claim the receipt (`sending`) and store the hash of a new outcome token; only one caller wins
 *    (stream retry and sweeper alike); a claim that died mid-send may be taken again after its lease
 * 2. send, then mark it sent; a failed send makes it `pending` again for the next try (with a new token,
 *    since only hashes are kept)
 */
export async function sendReceipt(
  referralId: string,
  ports: { store: StorePort; email: EmailPort; clock: Clock; baseUrl: string },
): Promise<void> {
  const { store, email, clock, baseUrl } = ports;
  const token = newToken();
  const expiresAt = new Date(
    `${addDays(clock.now().toISOString().slice(0, 10), OUTCOME_TOKEN_DAYS)}T${clock.now().toISOString().slice(11)}`,
  );
  const now = clock.now();
  const claimed = await store.claimReceipt(referralId, {
    at: now.toISOString(),
    staleBefore: new Date(now.getTime() - CLAIM_LEASE_MS).toISOString(),
    outcomeTokenHash: hashToken(token),
    outcomeTokenExpiresAt: expiresAt.toISOString(),
  });
  if (!claimed) return;
  const record = await store.getCase(referralId);
  if (!record) return;
  try {
    await email.send({
      to: [record.referral.attorney.email],
      ...receiptEmail({
        referralId,
        paging: pagingNow(record),
        outcomeUrl: `${baseUrl}/outcome/${referralId}#token=${token}`,
        pageUrl: `${baseUrl}/referrals/#${referralId}`,
      }),
    });
  } catch (error) {
    await store.finishReceipt(referralId, 'pending');
    throw error;
  }
  await store.finishReceipt(referralId, 'sent');
}
