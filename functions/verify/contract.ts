import * as z from '../../shared/zod.js';
import { linkToken } from '../../shared/http/body.js';
import { referralId, type Contracts } from '../../shared/http/contract.js';
import type { RouteKey } from '../routes.js';

export const VerifyBody = z.strictObject({ token: linkToken });

export const contract = (): Contracts<RouteKey<'verify'>> => ({
  'POST /api/submitters/verify': {
    summary: "Confirm a submitter's email address with the token of its verification link",
    body: VerifyBody,
    responses: {
      200: {
        description: 'the address is trusted for 180 days; its referrals awaiting verification go on',
        schema: z.strictObject({ verified: z.literal(true), referralIds: z.array(referralId) }),
      },
    },
    errors: { 403: 'unknown token', 410: 'the link was already used or has expired' },
  },
});
