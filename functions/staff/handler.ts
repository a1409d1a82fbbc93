import middy from '@middy/core';
import { z } from 'zod';
import { deps } from '../../shared/deps.js';
import { releaseSchema } from '../../shared/domain/reminders.js';
import { STATUSES } from '../../shared/domain/types.js';
import { validBody, validQuery } from '../../shared/http/body.js';
import { CoverageQuery } from '../../shared/domain/coverage.js';
import { DateRangeQuery } from '../../shared/domain/metrics.js';
import { NoteBody } from '../../shared/domain/notes.js';
import { ForbiddenError, NotFoundError, UnauthorizedError, UnprocessableError } from '../../shared/http/errors.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, SECURITY_HEADERS, type ParsedEvent } from '../../shared/http/middleware.js';
import { closeCase, programToday, recordRelease } from '../../shared/usecases/release.js';
import { checkRoster, importRoster, rosterWithChannels } from '../../shared/usecases/roster.js';
import { addNote, caseDetail, casesReport, listCases, metrics } from '../../shared/usecases/staff.js';
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

/** The staff API behind the Cognito authorizer. Bodies up to 1 MiB: a roster import is one document. */
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
    case 'POST /api/staff/referrals/{id}/notes':
      return json(201, await addNote(id, validBody(NoteBody, event.parsedBody).text, actor, d));
    case 'GET /api/staff/roster':
      return json(200, await rosterWithChannels(d.store));
    case 'PUT /api/staff/roster': {
      const result = await importRoster(event.parsedBody, d.store);
      if (!result.ok) throw new UnprocessableError('the roster has invalid entries; nothing was changed', result.errors);
      return json(200, result);
    }
    case 'GET /api/staff/coverage': {
      const { days } = validQuery(CoverageQuery, event.queryStringParameters);
      const { from, to, gaps } = await checkRoster(d.store, d.clock.now(), days, d.config.PROGRAM_TIME_ZONE);
      return json(200, { from, to, gaps });
    }
    case 'GET /api/staff/metrics':
      return json(200, await metrics(validQuery(DateRangeQuery, event.queryStringParameters), d));
    case 'GET /api/staff/referrals.csv': {
      const { filename, csv } = await casesReport(validQuery(DateRangeQuery, event.queryStringParameters), d);
      return {
        statusCode: 200,
        headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/csv; charset=utf-8; header=present', 'Content-Disposition': `attachment; filename="${filename}"` },
        body: csv,
      };
    }
    default:
      throw new NotFoundError('no such staff route');
  }
}

export const handler = middy(lambdaHandler).use(lowerCaseHeaders()).use(problemJson()).use(jsonBody({ maxBytes: 1024 * 1024, optional: true }));
