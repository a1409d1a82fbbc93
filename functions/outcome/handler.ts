import middy from '@middy/core';
import { wire } from '../../shared/deps.js';
import { sesEmail } from '../../shared/email/ses.js';
import { validBody } from '../../shared/http/body.js';
import { signedInEmail } from '../../shared/http/identity.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, type ParsedEvent } from '../../shared/http/middleware.js';
import { UnauthorizedError } from '../../shared/http/errors.js';
import { eventBridgeScheduler } from '../../shared/scheduler/eventbridge.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { reportOutcome, reportOutcomeSignedIn } from '../../shared/usecases/outcome.js';
import { programToday } from '../../shared/usecases/release.js';
import { routeKey } from '../routes.js';
import { outcomeBody, signedInOutcomeBody } from './contract.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore, email: sesEmail, scheduler: eventBridgeScheduler });

/**
 * The attorney's outcome: `POST /api/referrals/{referralId}/outcome` through the receipt's link (its token),
 * or `POST /api/attorney/referrals/{id}/outcome` from the signed-in attorney's page.
 */
export async function lambdaHandler(event: ParsedEvent) {
  const d = deps();
  if (routeKey(event) === 'POST /api/attorney/referrals/{id}/outcome') {
    const email = signedInEmail(event);
    if (!email) throw new UnauthorizedError('sign in first: a valid attorney ID token is required');
    const body = validBody(signedInOutcomeBody(programToday(d)), event.parsedBody);
    return json(200, await reportOutcomeSignedIn(event.pathParameters?.id ?? '', email, body.outcome, body.release, d));
  }
  const body = validBody(outcomeBody(programToday(d)), event.parsedBody);
  const { status } = await reportOutcome(event.pathParameters?.referralId ?? '', body.token, body.outcome, body.release, d);
  return json(200, { status });
}

export const handler = middy(lambdaHandler)
  .use(lowerCaseHeaders())
  .use(problemJson())
  .use(jsonBody({ maxBytes: 8192 }));
