import type { Ports } from '../deps.js';
import { staffingEmail } from '../domain/messages.js';
import type { AttorneyOutcome, CaseRecord, Release } from '../domain/types.js';
import { CaseNotFoundError, CaseStateError, LinkExpiredError, LinkInvalidError } from '../domain/errors.js';
import { emailCoordinators } from '../messaging.js';
import { tokenMatches } from '../tokens.js';
import { partyOf } from './parties.js';
import { recordRelease } from './release.js';

type OutcomePorts = Pick<Ports, 'store' | 'clock' | 'config' | 'scheduler' | 'email'>;

/**
 * The attorney reports what happened, through the signed link of the receipt email: the token must be
 * this referral's outcome token (403) and not expired (410); then `recordOutcome`.
 */
export async function reportOutcome(
  referralId: string,
  token: unknown,
  outcome: AttorneyOutcome,
  release: Release | undefined,
  p: OutcomePorts,
): Promise<{ status: string }> {
  const record = await p.store.getCase(referralId);
  // an unknown referral answers like a wrong token: the link does not reveal which ids exist
  if (!record || !tokenMatches(token, record.outcomeTokenHash)) throw new LinkInvalidError('referral');
  if (!record.outcomeTokenExpiresAt || record.outcomeTokenExpiresAt < p.clock.now().toISOString()) throw new LinkExpiredError();
  return recordOutcome(record, outcome, release, p);
}

/**
 * The signed-in attorney reports what happened, from their page: the case must be theirs (anyone else
 * gets 404, as for an unknown id); then `recordOutcome`.
 */
export async function reportOutcomeSignedIn(
  referralId: string,
  email: string,
  outcome: AttorneyOutcome,
  release: Release | undefined,
  p: OutcomePorts,
): Promise<{ status: string }> {
  const record = await p.store.getCase(referralId);
  if (!record || (await partyOf(record, { kind: 'external', email }, p)) !== 'attorney') throw new CaseNotFoundError();
  return recordOutcome(record, outcome, release, p);
}

/**
 * An outcome is recorded once: the same one again changes and sends nothing, a different one is
 * refused (409), so neither the link nor the page can send the coordinators one message after another.
 * 1. the outcome is recorded on the case (conditional: one report wins, however many race)
 * 2. parole granted: the same release use case as the staff endpoint; otherwise the coordinators are
 *    told, for them to close the case. When that fails, the outcome is taken back so a retry does it all.
 */
async function recordOutcome(
  record: CaseRecord,
  outcome: AttorneyOutcome,
  release: Release | undefined,
  p: OutcomePorts,
): Promise<{ status: string }> {
  const { referralId } = record;
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
  p: OutcomePorts,
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
