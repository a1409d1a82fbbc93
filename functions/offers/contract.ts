import * as z from '../../shared/zod.js';
import { SERVICES, SPECIALTIES } from '../../shared/domain/specialties.js';
import { optionalText } from '../../shared/domain/text.js';
import { linkToken } from '../../shared/http/body.js';
import { calendarDate, referralId, Urgency, type Contracts } from '../../shared/http/contract.js';
import type { RouteKey } from '../routes.js';

export const TokenBody = z.strictObject({ token: linkToken });
export const DeclineBody = z.extend(TokenBody, { reason: optionalText(500) });

/** What a doctor may see before accepting: triage facts, no PHI (`offerSummary`). */
export const OfferView = z.strictObject({
  referralId,
  urgency: Urgency,
  reasons: z.array(z.string()),
  specialty: z.enum(SPECIALTIES),
  language: z.string(),
  services: z.array(z.enum(SERVICES)),
  deadline: z.nullable(calendarDate),
  state: z.enum(['open', 'accepted_by_you', 'taken', 'closed']),
});

const params = z.object({ offerId: z.string().check(z.regex(/^[A-Za-z0-9_-]+$/)) });
const LINK_ERRORS = {
  403: 'wrong token',
  404: 'no such offer',
  410: 'the token was used (declined) or has expired',
};

export const contract = (): Contracts<RouteKey<'offers'>> => ({
  'POST /api/offers/{offerId}': {
    summary: 'View an offer with the token of its link',
    params,
    body: TokenBody,
    responses: { 200: { description: 'the offer, without patient data', schema: OfferView } },
    errors: LINK_ERRORS,
  },
  'POST /api/offers/{offerId}/accept': {
    summary: 'Accept an offer (the first accept wins)',
    params,
    body: TokenBody,
    responses: {
      200: {
        description: 'accepted (the same again for the winner)',
        schema: z.strictObject({ outcome: z.literal('accepted'), referralId }),
      },
    },
    errors: {
      ...LINK_ERRORS,
      409: 'another doctor accepted first',
      410: 'the token was used or has expired, or the case is no longer open',
      503: 'the store could not decide; try again',
    },
  },
  'POST /api/offers/{offerId}/decline': {
    summary: 'Decline an offer (uses the token up)',
    params,
    body: DeclineBody,
    responses: { 200: { description: 'declined', schema: z.strictObject({ outcome: z.literal('declined') }) } },
    errors: {
      ...LINK_ERRORS,
      409: 'this doctor already accepted the case',
      410: 'the token was used or has expired, or the case is no longer open',
      503: 'the store could not decide; try again',
    },
  },
});
