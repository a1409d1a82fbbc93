import * as z from '../../shared/zod.js';
import { referralSchema } from '../../shared/domain/referral.js';
import { referralId, Status, Urgency, type Contracts } from '../../shared/http/contract.js';
import type { RouteKey } from '../routes.js';

/** What the intake answers, and an `Idempotency-Key` replays byte for byte. */
export const IntakeAnswer = z.strictObject({ referralId, status: Status, urgency: Urgency, reasons: z.array(z.string()) });

export const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{1,255}$/;

export const contract = (): Contracts<RouteKey<'intake'>> => ({
  'POST /api/referrals': {
    summary: 'Submit a referral (the intake form)',
    // the date bounds follow the program's calendar day; the shape is the same every day
    body: referralSchema(new Date().toISOString().slice(0, 10)),
    headers: {
      'Idempotency-Key': {
        description: 'the same key with the same body answers the first answer again and creates nothing',
        schema: z.string().check(z.regex(IDEMPOTENCY_KEY)),
      },
    },
    responses: {
      201: {
        description: 'stored; triaged',
        schema: IntakeAnswer,
        headers: { Location: 'the case in the staff API: /api/staff/referrals/{referralId}' },
      },
      202: {
        description: 'the honeypot field was filled in: nothing stored or sent',
        schema: z.strictObject({ status: z.literal('received') }),
      },
    },
    errors: { 409: 'a request with the same Idempotency-Key is still running' },
  },
});
