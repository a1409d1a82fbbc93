import type { Ports } from '../deps.js';
import { staffingEmail } from '../domain/messages.js';
import type { AttorneyOutcome, Release } from '../domain/types.js';
import { CaseStateError, LinkExpiredError, LinkInvalidError } from '../domain/errors.js';
import { emailCoordinators } from '../messaging.js';
import { tokenMatches } from '../tokens.js';
import { recordRelease } from './release.js';

/**
 * The attorney reports what happened, through the signed link of the receipt email. An outcome is
 * recorded once: the same one again changes and sends nothing, a different one is refused (409), so a
 * link cannot be used to send the coordinators one message after another.
 * 1. the token must be this referral's outcome token (403) and not expired (410)
 * 2. the outcome is recorded on the case (conditional: one report wins, however many race)
 * 3. parole granted: the same release use case as the staff endpoint; otherwise the coordinators are
 *    told, for them to close the case. When that fails, the outcome is taken back so a retry does it all.
 */
export async function reportOutcome(
  referralId: string,
  token: unknown,
  outcome: AttorneyOutcome,
  release: Release | undefined,
  p: Pick<Ports, 'store' | 'clock' | 'config' | 'scheduler' | 'email'>,
): Promise<{ status: string }> {
  const record = await p.store.getCase(referralId);
  // an unknown referral answers like a wrong token: the link does not reveal which ids exist
  if (!record || !tokenMatches(token, record.outcomeTokenHash)) throw new LinkInvalidError('referral');
  if (!record.outcomeTokenExpiresAt || record.outcomeTokenExpiresAt < p.clock.now().toISOString()) throw new LinkExpiredError();
  const at = p.clock.now().toISOString();
  if (!record.attorneyOutcome && (await p.store.reportOutcome(referralId, outcome, at))) {
    try {
      return await actOn(referralId, outcome, release, record.status, p);
    } catch (error) {
      await p.store.withdrawOutcome(referralId, at);
      throw error;
    }
  }
  const stored = record.attorneyOutcome ? record : await p.store.getCase(referralId);
  if (stored?.attorneyOutcome !== outcome) throw new CaseStateError('another outcome was already reported for this referral');
  return { status: stored.status };
}

async function actOn(
  referralId: string,
  outcome: AttorneyOutcome,
  release: Release | undefined,
  status: string,
  p: Pick<Ports, 'store' | 'clock' | 'config' | 'scheduler' | 'email'>,
): Promise<{ status: string }> {
  if (outcome === 'parole_granted') return recordRelease(referralId, release!, 'attorney', p);
  await emailCoordinators(
    staffingEmail({
      who: `The attorney of case ${referralId}`,
      event: `reported: ${outcome.replace('_', ' ')}; please review and close the case`,
    }),
    p,
  );
  await p.store.addEvent(referralId, {
    at: p.clock.now().toISOString(),
    event: 'outcome_reported',
    actor: 'attorney',
    details: { outcome },
  });
  return { status };
}
