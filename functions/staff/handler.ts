import middy from '@middy/core';
import { z } from 'zod';
import { deps } from '../../shared/deps.js';
import { releaseSchema } from '../../shared/domain/reminders.js';
import { STATUSES } from '../../shared/domain/types.js';
import { validBody } from '../../shared/http/body.js';
import { ForbiddenError, NotFoundError, UnauthorizedError, UnprocessableError } from '../../shared/http/errors.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, type ParsedEvent } from '../../shared/http/middleware.js';
import { closeCase, programToday, recordRelease } from '../../shared/usecases/release.js';
import { caseDetail, listCases } from '../../shared/usecases/staff.js';
import { approveCase, listTrusted, trustSubmitter, trustTarget, untrustSubmitter } from '../../shared/usecases/trust.js';

const CloseBody = z.strictObject({
  outcome: z.enum(['parole_granted', 'parole_denied', 'transferred', 'removed', 'withdrawn', 'care_established'], {
    error: 'must be one of: parole_granted, parole_denied, transferred, removed, withdrawn, care_established',
  }),
});

const domain = z.string().trim().toLowerCase().regex(/^@?([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a domain such as example.org');
const SubmitterBody = z.union([z.strictObject({ email: z.email('must be an email address') }), z.strictObject({ domain })], {
  error: 'give either "email" or "domain"',
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
    case 'GET /api/staff/referrals': {
      const status = event.queryStringParameters?.status;
      if (status !== undefined && !STATUSES.includes(status as never)) {
        throw new UnprocessableError('unknown status', [{ path: 'status', message: `must be one of: ${STATUSES.join(', ')}` }]);
      }
      return json(200, { items: await listCases(status as never, event.queryStringParameters?.aNumber, d) });
    }
    case 'GET /api/staff/referrals/{id}':
      return json(200, await caseDetail(id, actor, d));
    case 'POST /api/staff/referrals/{id}/release':
      return json(200, await recordRelease(id, validBody(releaseSchema(programToday(d)), event.parsedBody), actor, d));
    case 'POST /api/staff/referrals/{id}/approve':
      return json(200, await approveCase(id, actor, d));
    case 'GET /api/staff/submitters':
      return json(200, { items: await listTrusted(d) });
    case 'POST /api/staff/submitters':
      return json(200, await trustSubmitter(validBody(SubmitterBody, event.parsedBody), actor, d));
    case 'DELETE /api/staff/submitters/{entry}':
      await untrustSubmitter(trustTarget(event.pathParameters?.entry ?? ''), d);
      return { statusCode: 204, headers: {}, body: '' };
    case 'POST /api/staff/referrals/{id}/close':
      return json(200, await closeCase(id, validBody(CloseBody, event.parsedBody).outcome, actor, d));
    default:
      throw new NotFoundError('no such staff route');
  }
}

export const handler = middy(lambdaHandler).use(lowerCaseHeaders()).use(problemJson()).use(jsonBody({ maxBytes: 8192, optional: true }));
