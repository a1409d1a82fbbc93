import * as z from '../../shared/zod.js';
import { ATTORNEY_RELEASE_DAYS, releaseSchema } from '../../shared/domain/reminders.js';
import { linkToken } from '../../shared/http/body.js';
import { referralId, Status, type Contracts } from '../../shared/http/contract.js';
import type { RouteKey } from '../routes.js';

/** The attorney's outcome, with the release when parole was granted; `today` bounds the release date. */
export function outcomeBody(today: string) {
  return withRelease(z.strictObject({ token: linkToken, ...outcomeFields(today) }));
}

/** The same, from the signed-in attorney's page: no link token (the sign-in says who reports). */
export function signedInOutcomeBody(today: string) {
  return withRelease(z.strictObject(outcomeFields(today)));
}

function outcomeFields(today: string) {
  return {
    outcome: z.enum(['parole_granted', 'parole_denied', 'transferred', 'removed'], {
      error: 'must be one of: parole_granted, parole_denied, transferred, removed',
    }),
    release: z.optional(releaseSchema(today, ATTORNEY_RELEASE_DAYS)),
  };
}

function withRelease<S extends z.ZodMiniObject<ReturnType<typeof outcomeFields>>>(schema: S) {
  return schema.check(
    z.refine((b) => b.outcome !== 'parole_granted' || b.release !== undefined, {
      error: 'is required when parole was granted',
      path: ['release'],
    }),
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
  'POST /api/attorney/referrals/{id}/outcome': {
    summary: "Report a referral's outcome from the signed-in attorney's page",
    params: z.object({ id: referralId }),
    body: signedInOutcomeBody(new Date().toISOString().slice(0, 10)),
    responses: { 200: { description: "the case's status after the outcome", schema: z.strictObject({ status: Status }) } },
    errors: {
      404: 'no such referral, or not one this attorney submitted',
      409: 'another outcome was reported before, or parole granted for a closed case',
    },
  },
});
