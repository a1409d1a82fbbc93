import middy from '@middy/core';
import { z } from 'zod';
import { deps } from '../../shared/deps.js';
import { releaseSchema } from '../../shared/domain/reminders.js';
import { validBody, validQuery } from '../../shared/http/body.js';
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../../shared/http/errors.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, type ParsedEvent } from '../../shared/http/middleware.js';
import { closeCase, programToday, recordRelease } from '../../shared/usecases/release.js';
import { caseDetail, ListQuery, listCases } from '../../shared/usecases/staff.js';

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

/** The staff API behind the Cognito authorizer. */
export async function lambdaHandler(event: ParsedEvent) {
  const actor = coordinator(event);
  const d = deps();
  const id = event.pathParameters?.id ?? '';
  switch (`${event.httpMethod} ${event.resource}`) {
    case 'GET /api/staff/referrals':
      return json(200, await listCases(validQuery(ListQuery, event.queryStringParameters ?? {}), d));
    case 'GET /api/staff/referrals/{id}':
      return json(200, await caseDetail(id, actor, d));
    case 'POST /api/staff/referrals/{id}/release':
      return json(200, await recordRelease(id, validBody(releaseSchema(programToday(d)), event.parsedBody), actor, d));
    case 'POST /api/staff/referrals/{id}/close':
      return json(200, await closeCase(id, validBody(CloseBody, event.parsedBody).outcome, actor, d));
    default:
      throw new NotFoundError('no such staff route');
  }
}

export const handler = middy(lambdaHandler).use(lowerCaseHeaders()).use(problemJson()).use(jsonBody({ maxBytes: 8192 }));
