import middy from '@middy/core';
import * as z from '../../shared/zod.js';
import { wire } from '../../shared/deps.js';
import { ATTORNEY_RELEASE_DAYS, releaseSchema } from '../../shared/domain/reminders.js';
import { sesEmail } from '../../shared/email/ses.js';
import { linkToken, validBody } from '../../shared/http/body.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, type ParsedEvent } from '../../shared/http/middleware.js';
import { eventBridgeScheduler } from '../../shared/scheduler/eventbridge.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { reportOutcome } from '../../shared/usecases/outcome.js';
import { programToday } from '../../shared/usecases/release.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore, email: sesEmail, scheduler: eventBridgeScheduler });

function outcomeBody(today: string) {
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
