import middy from '@middy/core';
import { z } from 'zod';
import { deps } from '../../shared/deps.js';
import { optionalText } from '../../shared/domain/referral.js';
import { linkToken, validBody } from '../../shared/http/body.js';
import { ConflictError, GoneError } from '../../shared/http/errors.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, type ParsedEvent } from '../../shared/http/middleware.js';
import { acceptOffer, declineOffer, offerForToken, offerSummary } from '../../shared/usecases/offers.js';

const TokenBody = z.strictObject({ token: linkToken });
const DeclineBody = TokenBody.extend({ reason: optionalText(500) });

/** POST /api/offers/{offerId} (view), …/accept, …/decline — the token comes from the link's fragment. */
export async function lambdaHandler(event: ParsedEvent) {
  const d = deps();
  const offerId = event.pathParameters?.offerId ?? '';
  const action = event.resource.endsWith('/accept') ? 'accept' : event.resource.endsWith('/decline') ? 'decline' : 'view';
  const body = validBody(action === 'decline' ? DeclineBody : TokenBody, event.parsedBody);
  const offer = await offerForToken(offerId, body.token, d);
  if (action === 'view') return json(200, await offerSummary(offer, d));
  if (action === 'accept') {
    const outcome = await acceptOffer(offer, d);
    if (outcome === 'taken') throw new ConflictError('another doctor already accepted this case');
    if (outcome === 'closed') throw new GoneError('this case is no longer open');
    return json(200, { outcome: 'accepted', referralId: offer.referralId });
  }
  const outcome = await declineOffer(offer, (body as z.infer<typeof DeclineBody>).reason, d);
  if (outcome === 'accepted') throw new ConflictError('you already accepted this case; ask a coordinator to reassign it');
  if (outcome === 'closed') throw new GoneError('this offer is no longer open');
  return json(200, { outcome: 'declined' });
}

export const handler = middy(lambdaHandler).use(lowerCaseHeaders()).use(problemJson()).use(jsonBody({ maxBytes: 4096 }));
