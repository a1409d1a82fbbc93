import middy from '@middy/core';
import type * as z from '../../shared/zod.js';
import { wire } from '../../shared/deps.js';
import { CaseTakenError, AlreadyAcceptedError, OfferClosedError } from '../../shared/domain/errors.js';
import type { Offer } from '../../shared/domain/types.js';
import { validBody } from '../../shared/http/body.js';
import { NotFoundError } from '../../shared/http/errors.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, type ParsedEvent } from '../../shared/http/middleware.js';
import { lazyEmail, lazyScheduler, lazySms } from '../../shared/lazy.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { acceptOffer, declineOffer, offerForToken, offerSummary } from '../../shared/usecases/offers.js';
import { routeKey, type RouteKey } from '../routes.js';
import { DeclineBody, TokenBody } from './contract.js';
import { ports } from './ports.js';

const deps = wire(ports, {
  store: dynamoStore,
  // only a decline that leaves a wave with nobody to answer sends or schedules (the next wave starts at once):
  // those adapters load on that first use, so viewing and accepting do not pay for their SDK clients
  email: lazyEmail(() => import('../../shared/email/ses.js').then((m) => m.sesEmail)),
  sms: lazySms(() => import('../../shared/sms/end-user-messaging.js').then((m) => m.endUserMessagingSms)),
  scheduler: lazyScheduler(() => import('../../shared/scheduler/eventbridge.js').then((m) => m.eventBridgeScheduler)),
});

/** One entry per route of this function in the route table; the token comes from the link's fragment. */
const actions: Record<
  RouteKey<'offers'>,
  { body: z.ZodMiniType<z.infer<typeof DeclineBody>>; run: (offer: Offer, body: z.infer<typeof DeclineBody>) => Promise<unknown> }
> = {
  'POST /api/offers/{offerId}': { body: TokenBody, run: (offer) => offerSummary(offer, deps()) },
  'POST /api/offers/{offerId}/accept': {
    body: TokenBody,
    async run(offer) {
      const outcome = await acceptOffer(offer, deps());
      if (outcome === 'taken') throw new CaseTakenError();
      if (outcome === 'closed') throw new OfferClosedError('this case is no longer open');
      return { outcome: 'accepted', referralId: offer.referralId };
    },
  },
  'POST /api/offers/{offerId}/decline': {
    body: DeclineBody,
    async run(offer, body) {
      const outcome = await declineOffer(offer, body.reason, deps());
      if (outcome === 'accepted') throw new AlreadyAcceptedError();
      if (outcome === 'closed') throw new OfferClosedError();
      return { outcome: 'declined' };
    },
  },
};

/** POST /api/offers/{offerId} (view), …/accept, …/decline */
export async function lambdaHandler(event: ParsedEvent) {
  const action = actions[routeKey(event) as RouteKey<'offers'>];
  if (!action) throw new NotFoundError('no such route');
  const body = validBody(action.body, event.parsedBody);
  const offer = await offerForToken(event.pathParameters?.offerId ?? '', body.token, deps());
  return json(200, await action.run(offer, body));
}

export const handler = middy(lambdaHandler)
  .use(lowerCaseHeaders())
  .use(problemJson())
  .use(jsonBody({ maxBytes: 4096 }));
