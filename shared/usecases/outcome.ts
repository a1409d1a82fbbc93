import type { Ports } from '../deps.js';
import { staffingEmail } from '../domain/messages.js';
import type { Release } from '../domain/types.js';
import { LinkExpiredError, LinkInvalidError } from '../domain/errors.js';
import { emailCoordinators } from '../messaging.js';
import { tokenMatches } from '../tokens.js';
import { recordRelease } from './release.js';

export type AttorneyOutcome = 'parole_granted' | 'parole_denied' | 'transferred' | 'removed';

/**
 * The attorney reports what happened, through the signed link of the receipt email.
 * 1. the token must be this referral's outcome token (403) and not expired (410)
 * 2. parole granted: the same release use case as the staff endpoint
 * 3. otherwise: recorded on the timeline and the coordinators told, for them to close the case
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
  if (outcome === 'parole_granted') return recordRelease(referralId, release!, 'attorney', p);
  await p.store.addEvent(referralId, {
    at: p.clock.now().toISOString(),
    event: 'outcome_reported',
    actor: 'attorney',
    details: { outcome },
  });
  await emailCoordinators(
    staffingEmail({
      who: `The attorney of case ${referralId}`,
      event: `reported: ${outcome.replace('_', ' ')}; please review and close the case`,
    }),
    p,
  );
  return { status: record.status };
}
