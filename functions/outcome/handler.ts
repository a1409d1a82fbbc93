import middy from '@middy/core';
import { wire } from '../../shared/deps.js';
import { sesEmail } from '../../shared/email/ses.js';
import { validBody } from '../../shared/http/body.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, type ParsedEvent } from '../../shared/http/middleware.js';
import { eventBridgeScheduler } from '../../shared/scheduler/eventbridge.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { reportOutcome } from '../../shared/usecases/outcome.js';
import { programToday } from '../../shared/usecases/release.js';
import { outcomeBody } from './contract.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore, email: sesEmail, scheduler: eventBridgeScheduler });

/** POST /api/referrals/{referralId}/outcome — the attorney's outcome link. */
export async function lambdaHandler(event: ParsedEvent) {
  const d = deps();
  const body = validBody(outcomeBody(programToday(d)), event.parsedBody);
  const { status } = await reportOutcome(event.pathParameters?.referralId ?? '', body.token, body.outcome, body.release, d);
  return json(200, { status });
}

export const handler = middy(lambdaHandler)
  .use(lowerCaseHeaders())
  .use(problemJson())
  .use(jsonBody({ maxBytes: 8192 }));
