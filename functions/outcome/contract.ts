import * as z from '../../shared/zod.js';
import { ATTORNEY_RELEASE_DAYS, releaseSchema } from '../../shared/domain/reminders.js';
import { linkToken } from '../../shared/http/body.js';
import { referralId, Status, type Contracts } from '../../shared/http/contract.js';
import type { RouteKey } from '../routes.js';

/** The attorney's outcome, with the release when parole was granted; `today` bounds the release date. */
export function outcomeBody(today: string) {
  return z
    .strictObject({
      token: linkToken,
      outcome: z.enum(['parole_granted', 'parole_denied', 'transferred', 'removed'], {
        error: 'must be one of: parole_granted, parole_denied, transferred, removed',
      }),
      release: z.optional(releaseSchema(today, ATTORNEY_RELEASE_DAYS)),
    })
    .check(
      z.refine((b) => b.outcome !== 'parole_granted' || b.release, { error: 'is required when parole was granted', path: ['release'] }),
    );
}

export const contract = (): Contracts<RouteKey<'outcome'>> => ({
  'POST /api/referrals/{referralId}/outcome': {
    summary: "Report a referral's outcome through the attorney's outcome link",
    params: z.object({ referralId }),
    body: outcomeBody(new Date().toISOString().slice(0, 10)),
    responses: { 200: { description: "the case's status after the outcome", schema: z.strictObject({ status: Status }) } },
    errors: { 403: 'wrong token (or no such referral)', 409: 'parole granted for a closed case', 410: 'the link has expired' },
  },
});
