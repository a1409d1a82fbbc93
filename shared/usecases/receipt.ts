import { addDays } from '../domain/dates.js';
import { receiptEmail } from '../domain/messages.js';
import type { EmailPort, Clock } from '../ports.js';
import type { Store } from '../store/store.js';
import { hashToken, newToken } from '../tokens.js';

export const OUTCOME_TOKEN_DAYS = 90;

/**
 * Sends the attorney's receipt with a fresh outcome link, once.
 * 1. claim the receipt (pending) and store the hash of a new outcome token — a retry after a failed
 *    send claims again with a new token, since only hashes are kept
 * 2. send, then mark it sent
 */
export async function sendReceipt(
  referralId: string,
  ports: { store: Store; email: EmailPort; clock: Clock; baseUrl: string },
): Promise<void> {
  const { store, email, clock, baseUrl } = ports;
  const token = newToken();
  const expiresAt = new Date(`${addDays(clock.now().toISOString().slice(0, 10), OUTCOME_TOKEN_DAYS)}T${clock.now().toISOString().slice(11)}`);
  const claimed = await store.updateCase(
    referralId,
    { receipt: 'pending', outcomeTokenHash: hashToken(token), outcomeTokenExpiresAt: expiresAt.toISOString() },
    { expression: 'attribute_not_exists(receipt) OR receipt = :pending', values: { ':pending': 'pending' } },
  );
  if (!claimed) return;
  const record = await store.getCase(referralId);
  if (!record) return;
  await email.send({
    to: [record.referral.attorney.email],
    ...receiptEmail({ referralId, urgency: record.urgency, outcomeUrl: `${baseUrl}/outcome/${referralId}#token=${token}` }),
  });
  await store.updateCase(referralId, { receipt: 'sent' }, { expression: 'receipt = :pending', values: { ':pending': 'pending' } });
}
