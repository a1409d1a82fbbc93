import middy from '@middy/core';
import * as z from 'zod';
import { wire } from '../../shared/deps.js';
import { releaseSchema } from '../../shared/domain/reminders.js';
import { STATUSES } from '../../shared/domain/types.js';
import { validBody } from '../../shared/http/body.js';
import { ForbiddenError, NotFoundError, UnauthorizedError, UnprocessableError } from '../../shared/http/errors.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, type ParsedEvent } from '../../shared/http/middleware.js';
import { eventBridgeScheduler } from '../../shared/scheduler/eventbridge.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { closeCase, programToday, recordRelease } from '../../shared/usecases/release.js';
import { caseDetail, listCases } from '../../shared/usecases/staff.js';
import { routeKey, type RouteKey } from '../routes.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore, scheduler: eventBridgeScheduler });

const CloseBody = z.strictObject({
  outcome: z.enum(['parole_granted', 'parole_denied', 'transferred', 'removed', 'withdrawn', 'care_established'], {
    error: 'must be one of: parole_granted, parole_denied, transferred, removed, withdrawn, care_established',
  }),
});

/** The coordinator's identity from the authorizer's claims; 403 without the coordinators group. */
function coordinator(event: ParsedEvent): string {
  const claims = event.requestContext.authorizer?.claims as Record<string, string | string[]> | undefined;
  if (!claims) throw new UnauthorizedError();
  const raw = claims['cognito:groups'] ?? '';
  const groups = Array.isArray(raw) ? raw : raw.replace(/[[\]]/g, '').split(/[,\s]+/);
  if (!groups.includes('coordinators')) throw new ForbiddenError('this needs the coordinators group');
  return `staff:${claims.email || claims.sub}`;
}

/** One entry per staff route of the route table. */
const actions: Record<RouteKey<'staff'>, (event: ParsedEvent, actor: string, id: string) => Promise<unknown>> = {
  async 'GET /api/staff/referrals'(event) {
    const status = event.queryStringParameters?.status;
    if (status !== undefined && !STATUSES.includes(status as never)) {
      throw new UnprocessableError('unknown status', [{ path: 'status', message: `must be one of: ${STATUSES.join(', ')}` }]);
    }
    return { items: await listCases(status as never, deps()) };
  },
  'GET /api/staff/referrals/{id}': (_event, actor, id) => caseDetail(id, actor, deps()),
  'POST /api/staff/referrals/{id}/release': (event, actor, id) =>
    recordRelease(id, validBody(releaseSchema(programToday(deps())), event.parsedBody), actor, deps()),
  'POST /api/staff/referrals/{id}/close': (event, actor, id) => closeCase(id, validBody(CloseBody, event.parsedBody).outcome, actor, deps()),
};

/** The staff API behind the Cognito authorizer. */
export async function lambdaHandler(event: ParsedEvent) {
  const actor = coordinator(event);
  const action = actions[routeKey(event) as RouteKey<'staff'>];
  if (!action) throw new NotFoundError('no such staff route');
  return json(200, await action(event, actor, event.pathParameters?.id ?? ''));
}

export const handler = middy(lambdaHandler).use(lowerCaseHeaders()).use(problemJson()).use(jsonBody({ maxBytes: 8192 }));
