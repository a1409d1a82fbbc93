import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { wire } from '../../shared/deps.js';
import { releaseSchema } from '../../shared/domain/reminders.js';
import { validBody, validQuery } from '../../shared/http/body.js';
import { ClinicImportQuery, ClinicMatchQuery, HandoffBody } from '../../shared/domain/clinics.js';
import { CoverageQuery } from '../../shared/domain/coverage.js';
import { DateRangeQuery } from '../../shared/domain/metrics.js';
import { NoteBody } from '../../shared/domain/notes.js';
import { ForbiddenError, NotFoundError, UnauthorizedError, UnprocessableError } from '../../shared/http/errors.js';
import { json, jsonBody, lowerCaseHeaders, problemJson, SECURITY_HEADERS, type ParsedEvent } from '../../shared/http/middleware.js';
import { lazyKeyedHash } from '../../shared/lazy.js';
import { sesEmail } from '../../shared/email/ses.js';
import { s3Documents } from '../../shared/documents/s3.js';
import { eventBridgeScheduler } from '../../shared/scheduler/eventbridge.js';
import { endUserMessagingSms } from '../../shared/sms/end-user-messaging.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { closeCase, programToday, recordRelease } from '../../shared/usecases/release.js';
import { handOff } from '../../shared/usecases/care.js';
import { clinicsForCase, importClinics } from '../../shared/usecases/clinics.js';
import { checkRoster, importRoster, rosterWithChannels } from '../../shared/usecases/roster.js';
import { addNote, caseDetail, casesReport, ListQuery, listCases, metrics } from '../../shared/usecases/staff.js';
import { approveCase, listTrusted, trustSubmitter, trustTarget, untrustSubmitter } from '../../shared/usecases/trust.js';
import { routeKey, type RouteKey } from '../routes.js';
import { ApproveBody, CloseBody, SubmitterBody } from './contract.js';
import { ports } from './ports.js';

const deps = wire(ports, {
  store: dynamoStore,
  scheduler: eventBridgeScheduler,
  email: sesEmail,
  sms: endUserMessagingSms,
  // only the A-number filter of the case list hashes: KMS loads on that first use
  keyedHash: lazyKeyedHash(() => import('../../shared/hash/kms.js').then((m) => m.kmsKeyedHash)),
  documents: s3Documents,
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

type Action = (event: ParsedEvent, actor: string, id: string) => Promise<APIGatewayProxyResult>;

/** One entry per staff route of the route table (functions/routes.ts). */
const actions: Record<RouteKey<'staff'>, Action> = {
  'GET /api/staff/referrals': async (event) => json(200, await listCases(validQuery(ListQuery, event.queryStringParameters), deps())),
  'GET /api/staff/referrals/{id}': async (_event, actor, id) => json(200, await caseDetail(id, actor, deps())),
  'POST /api/staff/referrals/{id}/release': async (event, actor, id) =>
    json(200, await recordRelease(id, validBody(releaseSchema(programToday(deps())), event.parsedBody), actor, deps())),
  'POST /api/staff/referrals/{id}/approve': async (event, actor, id) =>
    json(200, await approveCase(id, actor, deps(), validBody(ApproveBody, event.parsedBody ?? {}))),
  'GET /api/staff/submitters': async () => json(200, { items: await listTrusted(deps()) }),
  'POST /api/staff/submitters': async (event, actor) =>
    json(200, await trustSubmitter(validBody(SubmitterBody, event.parsedBody), actor, deps())),
  async 'DELETE /api/staff/submitters/{entry}'(event) {
    await untrustSubmitter(trustTarget(event.pathParameters?.entry ?? ''), deps());
    return { statusCode: 204, headers: {}, body: '' };
  },
  'POST /api/staff/referrals/{id}/close': async (event, actor, id) =>
    json(200, await closeCase(id, validBody(CloseBody, event.parsedBody).outcome, actor, deps())),
  'POST /api/staff/referrals/{id}/notes': async (event, actor, id) =>
    json(201, await addNote(id, validBody(NoteBody, event.parsedBody).text, actor, deps())),
  'GET /api/staff/roster': async () => json(200, await rosterWithChannels(deps().store)),
  async 'PUT /api/staff/roster'(event) {
    const result = await importRoster(event.parsedBody, deps().store);
    if (!result.ok) throw new UnprocessableError('the roster has invalid entries; nothing was changed', result.errors);
    return json(200, result);
  },
  'GET /api/staff/clinics': async () => json(200, { clinics: await deps().store.clinics() }),
  async 'PUT /api/staff/clinics'(event) {
    // `?dryRun=true` checks everything (ZIP codes included) and changes nothing: the console's preview
    const { dryRun } = validQuery(ClinicImportQuery, event.queryStringParameters);
    const result = await importClinics(event.parsedBody, dryRun ? { replaceClinics: async () => {} } : deps().store);
    if (!result.ok) throw new UnprocessableError('the clinic directory has invalid entries; nothing was changed', result.errors);
    return json(200, { ...result, dryRun });
  },
  'GET /api/staff/referrals/{id}/clinics': async (event, _actor, id) =>
    json(200, await clinicsForCase(id, validQuery(ClinicMatchQuery, event.queryStringParameters).radiusMiles, deps())),
  'POST /api/staff/referrals/{id}/handoff': async (event, actor, id) =>
    json(200, await handOff(id, validBody(HandoffBody, event.parsedBody), actor, deps())),
  async 'GET /api/staff/coverage'(event) {
    const d = deps();
    const { days } = validQuery(CoverageQuery, event.queryStringParameters);
    const { from, to, gaps } = await checkRoster(d.store, d.clock.now(), days, d.config.PROGRAM_TIME_ZONE);
    return json(200, { from, to, gaps });
  },
  'GET /api/staff/metrics': async (event) => json(200, await metrics(validQuery(DateRangeQuery, event.queryStringParameters), deps())),
  async 'GET /api/staff/referrals.csv'(event) {
    const { filename, csv } = await casesReport(validQuery(DateRangeQuery, event.queryStringParameters), deps());
    return {
      statusCode: 200,
      headers: {
        ...SECURITY_HEADERS,
        'Content-Type': 'text/csv; charset=utf-8; header=present',
        'Content-Disposition': `attachment; filename="${filename}"`,
      },
      body: csv,
    };
  },
};

/** The staff API behind the Cognito authorizer. Bodies up to 1 MiB: a roster import is one document. */
export async function lambdaHandler(event: ParsedEvent) {
  const actor = coordinator(event);
  const action = actions[routeKey(event) as RouteKey<'staff'>];
  if (!action) throw new NotFoundError('no such staff route');
  return action(event, actor, event.pathParameters?.id ?? '');
}

export const handler = middy(lambdaHandler)
  .use(lowerCaseHeaders())
  .use(problemJson())
  .use(jsonBody({ maxBytes: 1024 * 1024, optional: true }));
