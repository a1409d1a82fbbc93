import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import * as sesLocalModule from 'aws-ses-v2-local';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, DynamoDBStreamEvent, SNSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { config, resetConfig } from '../shared/config.js';
import { logger } from '../shared/logger.js';
import { useDeps, type Deps } from '../shared/deps.js';
import { SesEmail } from '../shared/email/ses.js';
import { LocalKeyedHash } from '../shared/hash/local.js';
import { powertoolsIdempotency } from '../shared/idempotency/dynamodb.js';
import { guardEmail, guardSms } from '../shared/messaging.js';
import type { Email, TimerEvent } from '../shared/ports.js';
import { S3Documents } from '../shared/documents/s3.js';
import { documentClient } from '../shared/store/dynamo.js';
import { createDynamoStore } from '../shared/store/dynamodb/store.js';
import { buildWeb } from '../web/build.js';
import { ROUTES } from '../functions/routes.js';
import { lanePatterns } from '../shared/domain/lanes.js';
import { lanePriority } from '../shared/stream/lane.js';
import { importClinics } from '../shared/usecases/clinics.js';
import { importRoster } from '../shared/usecases/roster.js';
import { demoRoster } from './demo-roster.js';
import { demoClinics } from './demo-clinics.js';
import { LocalAuthorizer } from './auth.js';
import { DEMO_ACCOUNTS, EXTERNAL_CLIENT_ID, startLocalOidc } from './oidc.js';
import { signInCodeEmail } from './sign-in-codes.js';
import { ControllableClock } from './clock.js';
import { ensureTables, LOCAL_CREDENTIALS, startDynamo, TABLES } from './dynamo.js';
import { announceFaults, faultHttp, faultScheduler, faultSms, type FaultRates, parseFaults } from './faults.js';
import { freePort, listen } from './net.js';
import { Journal, SmsOutbox, TimedEmail, type SentSms } from './outbox.js';
import { releaseDeadClaims } from './recovery.js';
import { LocalScanner } from './scanner.js';
import { LOCAL_BUCKET, startLocalS3 } from './s3.js';
import { LocalScheduler } from './scheduler.js';
import { createLocalServer, type ApiHandler, type Route } from './server.js';
import { settleAll, StreamPoller } from './streams.js';

/** The limits a test or the environment can set (docs/api.md). */
const LIMITS = [
  'URGENT_PER_SUBMITTER_PER_DAY',
  'URGENT_PER_DOMAIN_PER_DAY',
  'ROUTINE_PER_SUBMITTER_PER_DAY',
  'PAGE_BUDGET_PER_HOUR',
  'DOCUMENT_RETENTION_DAYS',
] as const;
type LimitName = (typeof LIMITS)[number];

export interface LocalRuntimeOptions {
  /** HTTP port; 0 picks a free one. */
  port?: number;
  /** Folder for DynamoDB Local's data; null keeps everything in memory. */
  dataDir?: string | null;
  /** Seed the demo roster when the stored roster is empty. */
  seedDemo?: boolean;
  /** Limits; unset ones come from the environment (the variable of the same name, e.g. URGENT_PER_DOMAIN_PER_DAY), then the defaults. */
  limits?: Partial<Record<LimitName, number>>;
  /** Shares of adapter calls to fail on purpose; unset: the FAULTS environment variable (e.g. `dynamodb:0.05,ses:0.1`). */
  faults?: FaultRates;
}

export interface LocalRuntime {
  url: string;
  /** DynamoDB Local, for the admin CLI's --endpoint. */
  dynamoEndpoint: string;
  /** The SMS sink behind the SMS port. */
  smsOutbox: SmsOutbox;
  /** Every SMS and email sent since start, resets included. */
  history(): { sms: SentSms[]; email: Email[] };
  sesUrl: string;
  /** The local S3-compatible server of case documents (s3rver behind the checks S3 and the bucket policy make). */
  s3: { endpoint: string; bucket: string };
  /** The console and its local sign-in: a demo coordinator, and a staff member without the group. */
  console: { url: string; coordinator: { username: string; password: string }; visitor: { username: string; password: string } };
  deps: Deps;
  settle(): Promise<void>;
  /**
   * Runs `write` (items put straight into the table, e.g. thousands of cases for a scale test) while
   * both lanes are paused, then moves the lanes past what it wrote: like data from before, it is not
   * dispatched.
   */
  writeUndispatched(write: () => Promise<void>): Promise<void>;
  /**
   * Runs `run` while both lanes hand nothing on (for a measurement without the stream work, e.g. the
   * bench's intake row "stream lanes paused"), then resumes them: what was written meanwhile is delivered.
   */
  withLanesPaused<T>(run: () => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/** What a lane or the timer gave up after its retries (`/_local/dead-letters`); the sweeper repairs the case. */
interface DeadLetter {
  /** `urgent` or `routine` (a stream record), or `timer`. */
  lane: string;
  /** The stream record's, for a lane. */
  sequenceNumber?: string;
  /** The schedule's name, for the timer. */
  schedule?: string;
  referralId?: string;
  at: string;
}

type Handler<F extends 'timer' | 'dispatcher' | 'pager' | 'inbound-sms' | 'delivery-events' | 'sweeper' | 'document-scan'> = {
  timer: typeof import('../functions/timer/handler.js').handler;
  dispatcher: typeof import('../functions/dispatcher/handler.js').handler;
  pager: typeof import('../functions/pager/handler.js').handler;
  'inbound-sms': typeof import('../functions/inbound-sms/handler.js').handler;
  'delivery-events': typeof import('../functions/delivery-events/handler.js').handler;
  sweeper: typeof import('../functions/sweeper/handler.js').handler;
  'document-scan': typeof import('../functions/document-scan/handler.js').handler;
}[F];

/** A function's handler, imported once the local adapters are in place (a handler builds its ports at import). */
async function loadHandler<T>(name: string): Promise<T> {
  return ((await import(/* @vite-ignore */ `../functions/${name}/handler.js`)) as { handler: T }).handler;
}
// a CommonJS package: its default export arrives nested under ESM interop
const sesLocal =
  (((sesLocalModule as { default: unknown }).default as { default?: unknown }).default as typeof sesLocalModule.default) ??
  sesLocalModule.default;

/** Starts the whole system on this machine: DynamoDB Local, aws-ses-v2-local, the stream poller, the HTTP server. */
export async function startLocal(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const faults = options.faults ?? parseFaults(process.env.FAULTS);
  const dataDir = options.dataDir === undefined ? resolve('.local/data') : options.dataDir;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const [dynamoPort, sesPort] = [await freePort(), await freePort()];
  const webRoot = resolve('web/dist');
  const [{ process: dynamoProcess, client: admin }, sesServer] = await Promise.all([
    startDynamo(dynamoPort, dataDir),
    sesLocal({ host: '127.0.0.1', port: sesPort }),
    // WEB_PREBUILT=1: web/dist is built already (the test run builds it once, not at each of its starts)
    process.env.WEB_PREBUILT === '1' ? undefined : buildWeb(webRoot),
  ]);
  try {
    await ensureTables(admin);
  } catch (error) {
    dynamoProcess.kill();
    sesServer.close();
    throw error;
  }
  const sesUrl = `http://127.0.0.1:${sesPort}`;
  const clock = new ControllableClock();
  const kept = (name: string) => (dataDir ? join(dataDir, name) : undefined);
  const sms = new SmsOutbox(clock, kept('outbox-sms.jsonl'));
  process.env.AWS_LAMBDA_FUNCTION_NAME ??= 'medreview-local';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

  // until the routes are attached every request gets an immediate 503: none is ever left waiting
  let serve: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const http = createServer((req, res) => {
    if (serve) return serve(req, res);
    res.writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': '1', Connection: 'close' });
    res.end(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'starting; try again in a moment' }));
  });
  // longer than HTTP clients keep idle connections (4–5 s), so the server never closes one a client is reusing
  http.keepAliveTimeout = 30_000;
  const port = await listen(http, options.port ?? 0);
  const url = `http://127.0.0.1:${port}`;
  // case documents: s3rver's objects in .local/ (in a temporary folder without a data folder); uploads scanned by the local scanner
  const s3Dir = dataDir ? join(dataDir, 's3') : mkdtempSync(join(tmpdir(), 'medreview-s3-'));
  let scanner: LocalScanner | undefined;
  const s3 = await startLocalS3({
    directory: s3Dir,
    origins: () => [url, `http://localhost:${port}`],
    onStored: (key, bytes) => scanner?.scan(key, bytes),
  });
  // an attorney's sign-in code goes out through the email port like any mail, so it lands in the local inbox
  const oidc = await startLocalOidc(url, {
    sendCode: async (to, code, lang) => void (await deps.email.send(signInCodeEmail(to, code, lang))),
    now: () => clock.now().getTime(),
  });
  const authorizer = new LocalAuthorizer({
    issuer: oidc.issuer,
    jwks: oidc.jwks,
    audiences: { staff: oidc.clientId, external: EXTERNAL_CLIENT_ID },
  });
  resetConfig();
  const cfg = config({
    TABLE_NAME: TABLES.main,
    IDEMPOTENCY_TABLE_NAME: TABLES.idempotency,
    BASE_URL: url,
    MAIL_FROM: 'medreview@localhost.localdomain',
    DOCUMENTS_BUCKET: LOCAL_BUCKET,
    PROGRAM_TIME_ZONE: process.env.PROGRAM_TIME_ZONE,
    ...Object.fromEntries(LIMITS.map((name) => [name, options.limits?.[name]?.toString() ?? (process.env[name] || undefined)])),
  });

  // the functions' client (FAULTS may fail its calls); the tables' set-up, the pollers and the scheduler emulator use `admin`
  const dynamo = new DynamoDBClient({ endpoint: `http://127.0.0.1:${dynamoPort}`, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  // one DynamoDB Local serves both lanes here: a routine lane's call waits while an urgent job runs
  dynamo.middlewareStack.add(
    (next) => async (args) => {
      await lanePriority.yieldToUrgent();
      return next(args);
    },
    { step: 'initialize', name: 'urgentFirst' },
  );
  let timer: (event: TimerEvent) => Promise<void> = async () => undefined;
  // the on-failure destinations: stream records given up after their lane's retries, timer runs after theirs
  const deadLetters = new Journal<DeadLetter>(kept('dead-letters.jsonl'));
  const scheduler = new LocalScheduler(
    admin,
    clock,
    (event: TimerEvent) => timer(event),
    async ({ name, event }, error) => {
      await logger.error('timer run given up after retries', { schedule: name, errorName: (error as Error).name });
      deadLetters.append({
        lane: 'timer',
        schedule: name,
        referralId: 'referralId' in event ? event.referralId : undefined,
        at: new Date().toISOString(),
      });
    },
  );
  const store = createDynamoStore(documentClient(dynamo), TABLES.main);
  const ses = new SESv2Client({ endpoint: sesUrl, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const email = new TimedEmail(new SesEmail(ses, cfg.MAIL_FROM), clock, kept('outbox-email.jsonl'));
  const s3Client = s3.client();
  const deps: Deps = {
    config: cfg,
    store,
    email: guardEmail(email, store),
    sms: guardSms(faultSms(sms, faults.sms), store),
    scheduler: faultScheduler(scheduler, faults.scheduler),
    clock,
    keyedHash: LocalKeyedHash.fromFile(dataDir ? join(dataDir, 'a-number-hmac.key') : null),
    documents: new S3Documents(s3Client, LOCAL_BUCKET),
    idempotency: powertoolsIdempotency(new DynamoDBPersistenceLayer({ tableName: TABLES.idempotency, awsSdkV3Client: dynamo })),
  };
  useDeps(deps);
  timer = await loadHandler<Handler<'timer'>>('timer');
  const [dispatcher, pager, inboundSms, deliveryEvents, sweeper, documentScan] = await Promise.all([
    loadHandler<Handler<'dispatcher'>>('dispatcher'),
    loadHandler<Handler<'pager'>>('pager'),
    loadHandler<Handler<'inbound-sms'>>('inbound-sms'),
    loadHandler<Handler<'delivery-events'>>('delivery-events'),
    loadHandler<Handler<'sweeper'>>('sweeper'),
    loadHandler<Handler<'document-scan'>>('document-scan'),
  ]);
  scanner = new LocalScanner(s3.client(), documentScan);
  // uploads the previous run stored and never scanned (killed in between) are scanned now, as GuardDuty would
  for (const { key, bytes } of await s3.unscanned()) scanner.scan(key, bytes);
  if (options.seedDemo && (await deps.store.roster()).doctors.length === 0) {
    await importRoster(demoRoster(clock.now()), deps.store);
  }
  if (options.seedDemo && (await deps.store.clinics()).length === 0) {
    const loaded = await importClinics(demoClinics(), deps.store);
    if (!loaded.ok) throw new Error(`the demo clinic directory is invalid: ${JSON.stringify(loaded.errors)}`);
  }

  // the table stream read by two independent pollers, as by the two event source mappings in AWS
  const checkpoints = (lane: string) => kept(`stream-checkpoints-${lane}.json`);
  const onGiveUp = (record: { lane: string; sequenceNumber: string; referralId?: string }) =>
    deadLetters.append({ ...record, at: new Date().toISOString() });
  const streamEndpoint = `http://127.0.0.1:${dynamoPort}`;
  const pollers = [
    new StreamPoller(admin, streamEndpoint, TABLES.main, {
      name: 'urgent',
      handler: (event: DynamoDBStreamEvent) => pager(event),
      filters: lanePatterns('urgent'),
      batchSize: 10,
      intervalMs: 25,
      checkpointFile: checkpoints('urgent'),
      onGiveUp,
    }),
    new StreamPoller(admin, streamEndpoint, TABLES.main, {
      name: 'routine',
      handler: (event: DynamoDBStreamEvent) => dispatcher(event),
      filters: lanePatterns('routine'),
      batchSize: 100,
      intervalMs: 100,
      checkpointFile: checkpoints('routine'),
      onGiveUp,
    }),
  ];
  // what the previous process claimed and may not have sent when it died goes out again
  const released = await releaseDeadClaims(admin, store);
  if (released) await logger.warn('messages left mid-send by the previous run will be sent again', { released });
  for (const p of pollers) p.start();
  // scans first: what they change (and send) is then settled with the stream's work
  const poller = {
    settle: async () => {
      await scanner?.settle();
      await settleAll(pollers);
    },
  };

  const hook = (method: string, resource: string, run: Route['hook']): Route => ({ method, resource, hook: run });
  // the API: every row of the route table, as API Gateway serves it (staff and external routes behind their pool's authorizer)
  const apiRoutes: Route[] = await Promise.all(
    ROUTES.map(
      async (r): Promise<Route> => ({
        method: r.method,
        resource: r.path,
        api: await loadHandler<ApiHandler>(r.function),
        ...(r.auth === 'public' ? {} : { authorize: (h: string | undefined) => authorizer.verify(h, r.auth) }),
      }),
    ),
  );
  const routes: Route[] = [
    ...apiRoutes,
    hook('PUT', '/_local/roster', async ({ body }) => {
      const result = await importRoster(body, deps.store);
      return result.ok
        ? { body: result }
        : { status: 422, body: problem(422, 'the roster has invalid entries; nothing was changed', result.errors) };
    }),
    hook('POST', '/_local/sms/inbound', async ({ body }) => {
      const { from, body: text } = (body ?? {}) as { from?: unknown; body?: unknown };
      if (typeof from !== 'string' || typeof text !== 'string') return { status: 422, body: problem(422, 'from and body must be strings') };
      const replies = await inboundSms(snsEvent({ originationNumber: from, messageBody: text }));
      await poller.settle();
      return { body: { replies } };
    }),
    hook('GET', '/_local/dead-letters', async () => ({ body: { items: deadLetters.entries } })),
    hook('GET', '/_local/outbox', async () => ({ body: { sms: sms.sent, email: email.sent } })),
    hook('POST', '/_local/settle', async () => {
      await poller.settle();
      return { body: { settled: true } };
    }),
    hook('POST', '/_local/delivery-events', async ({ body }) => {
      await deliveryEvents(snsEvent(body));
      await poller.settle();
      return { body: { handled: true } };
    }),
    hook('POST', '/_local/sweeper', async () => {
      const report = await sweeper();
      await poller.settle();
      return { body: report };
    }),
    hook('GET', '/_local/clock', async () => ({ body: { now: clock.now().toISOString() } })),
    hook('POST', '/_local/clock/advance', async ({ body }) => {
      const minutes = (body as { minutes?: unknown } | undefined)?.minutes;
      if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 0) {
        return { status: 422, body: problem(422, 'minutes must be a non-negative number') };
      }
      await poller.settle();
      const result = await scheduler.advance(minutes);
      await poller.settle();
      return { body: result };
    }),
    hook('GET', '/_local/schedules', async () => ({ body: { items: (await scheduler.pending()).map(({ name, at }) => ({ name, at })) } })),
    hook('GET', '/_local/token', async ({ query }) => {
      const attorney = query.get('attorney');
      if (attorney !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(attorney))
        return { status: 422, body: problem(422, 'attorney must be an email address') };
      return {
        body: { token: attorney ? await authorizer.issueExternal(attorney) : await authorizer.issue(query.get('group') ?? 'coordinators') },
      };
    }),
    hook('POST', '/_local/reset', async () => {
      // pending stream work is dropped, not waited for: each lane finishes the batch in hand, then the tables go
      await Promise.all(pollers.map((p) => p.pause()));
      await ensureTables(admin, true);
      store.dropCaches();
      // the deletions are on the stream too: read past them, dispatching nothing
      for (const p of pollers) await p.skipPending();
      sms.clear();
      email.clear();
      oidc.resetCodes();
      deadLetters.clear();
      clock.reset();
      await fetch(`${sesUrl}/clear-store`, { method: 'POST' });
      await scanner?.settle();
      await s3.reset();
      return { body: { reset: true } };
    }),
  ];
  // the console and the site read where to sign in from these files, as they do from the deployed site
  const app = createLocalServer(
    routes,
    webRoot,
    {
      '/console/config.json': () => ({ authority: oidc.issuer, clientId: oidc.clientId }),
      '/auth/config.json': () => ({ authority: oidc.issuer, clientId: EXTERNAL_CLIENT_ID }),
    },
    { connectSrc: [s3.endpoint] },
  ).listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
  // start-up is never faulted: the faults begin once everything is in place
  faultHttp(dynamo, faults.dynamodb ?? 0, 'json');
  faultHttp(ses, faults.ses ?? 0, 'rest-json');
  faultHttp(s3Client, faults.documents ?? 0, 'rest-xml');
  await announceFaults(faults);
  serve = (req, res) => (/^\/oidc([/?]|$)/.test(req.url ?? '') ? oidc.handle(req, res) : app(req, res));

  return {
    url,
    sesUrl,
    s3: { endpoint: s3.endpoint, bucket: s3.bucket },
    console: { url: `${url}/console/`, coordinator: DEMO_ACCOUNTS[0], visitor: DEMO_ACCOUNTS[1] },
    dynamoEndpoint: `http://127.0.0.1:${dynamoPort}`,
    smsOutbox: sms,
    history: () => ({ sms: sms.history, email: email.history }),
    deps,
    settle: () => poller.settle(),
    async writeUndispatched(write) {
      await Promise.all(pollers.map((p) => p.pause()));
      try {
        await write();
      } finally {
        for (const p of pollers) await p.skipPending();
      }
    },
    async withLanesPaused(run) {
      await Promise.all(pollers.map((p) => p.pause()));
      try {
        return await run();
      } finally {
        for (const p of pollers) p.resume();
      }
    },
    async stop() {
      for (const p of pollers) p.stop();
      await new Promise((r) => http.close(r));
      http.closeAllConnections();
      sesServer.close();
      sesServer.closeAllConnections?.();
      await scanner?.settle();
      await s3.stop();
      if (!dataDir) rmSync(s3Dir, { recursive: true, force: true });
      await new Promise<void>((r) => {
        if (dynamoProcess.exitCode !== null) return r();
        dynamoProcess.once('exit', () => r());
        dynamoProcess.kill();
      });
    },
  };
}

/** A hook's error, shaped like the API's. */
function problem(status: number, detail: string, errors?: unknown) {
  return { type: 'about:blank', title: 'Unprocessable Content', status, detail, ...(errors ? { errors } : {}) };
}

/** An SNS notification as Lambda receives it. */
function snsEvent(message: unknown): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:local',
        Sns: {
          Type: 'Notification',
          MessageId: randomUUID(),
          TopicArn: 'arn:aws:sns:us-east-1:000000000000:local',
          Subject: '',
          Message: JSON.stringify(message),
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: '',
          SigningCertUrl: '',
          UnsubscribeUrl: '',
          MessageAttributes: {},
        },
      },
    ],
  };
}

export type { APIGatewayProxyEvent, APIGatewayProxyResult, Context };
