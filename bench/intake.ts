/**
 * Benchmark: prints numbers, each next to a baseline measured in the same run.
 *   npm run bench
 * 1. intake next to a bare PutItem (a case-sized item, conditional, into the same table on the same
 *    DynamoDB Local), interleaved sample by sample so both see the same load: sequential, then at
 *    concurrency 10; intake as signed-in approved attorneys, routine and urgent, without and with an
 *    Idempotency-Key (new and replayed). The attorneys take turns (60 of them in 20 approved domains), so
 *    each daily allowance holds no more entries than the default limits let it (the limits are raised
 *    here: one attorney's counter would grow with every sample). Each block with the event loop's delay
 *    meanwhile, and each again with the stream lanes paused (labelled so: the lanes share this one process
 *    and DynamoDB Local with the intake here, never in AWS; the honest rows stay first)
 * 2. submit → first page SMS (urgent lane + wave 1), per urgent referral: idle (baseline) and with 300
 *    routine referrals submitted at concurrency 25 just before each urgent one (the mixed case)
 * 3. the routine drain: 1,000 routine referrals at concurrency 25, time from the last request until every
 *    receipt, notice and routine offer is sent, with no roster (baseline) and with the demo roster;
 *    checks none is lost or sent twice
 * 4. the routine work of one referral: DynamoDB calls by command, read units and bytes read, messages
 * (the cold import of every Lambda bundle is bench/cold-start.ts, which `npm run bench` runs next)
 * Writes every number to bench/results.json (`flows`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { demoRoster } from '../local/demo-roster.js';
import { LOCAL_CREDENTIALS, TABLES } from '../local/dynamo.js';
import { freshANumber, parsedReferral, validReferral } from '../test/fixtures/referral.js';
import { saveResults } from './results.js';
import { routineWork } from './routine-work.js';
import { attorneyToken, call, startTestRuntime } from '../test/support/runtime.js';

const N = Number(process.env.BENCH_N ?? 100);
const ROUTINE_BEFORE_URGENT = Number(process.env.BENCH_MIXED_ROUTINE ?? 300);
const MIXED_SAMPLES = Number(process.env.BENCH_MIXED_SAMPLES ?? 5);
const DRAIN_N = Number(process.env.BENCH_DRAIN_N ?? 1000);
const CONCURRENCY = 25;
/** Requests in flight for the loaded intake-vs-PutItem comparison. */
const LOADED = 10;
/** The approved attorneys whose referrals the intake rows take turns at, and their domains. */
const ATTORNEYS = 60;
const DOMAINS = 20;
const runId = Date.now().toString(36);
let submitted = 0;

/** Every number of this run, written to bench/results.json at the end. */
const results: { name: string; unit: string; p50?: number; p99?: number; value?: number; samples?: number; baseline?: string }[] = [];

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1)!, mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

/**
 * `n` requests, `CONCURRENCY` at a time, each a referral of its own (`body()`: its own A-number), from the
 * attorneys in turn: 1,000 routine referrals a day take at least 50 attorneys at the default allowance.
 */
async function submitMany(n: number, body: () => ReturnType<typeof validReferral>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) {
        // a key per referral: a request retried after a dropped connection is not stored twice
        next++;
        const key = `bench-${runId}-${submitted++}`;
        const referral = body();
        const i = turn++ % ATTORNEYS; // a retry is the same attorney's: a key is scoped to its submitter
        const post = () => submitAs(i, referral, { 'Idempotency-Key': key });
        const r = await post().catch(post);
        if (r.status !== 201) throw new Error(`intake answered ${r.status}`);
      }
    }),
  );
}

/** Submits an urgent referral and waits for the first SMS that pages a doctor about it; returns ms. */
async function urgentToFirstPage(urgent: () => unknown, doctorPhones: Set<string>): Promise<number> {
  const t = performance.now();
  const { json } = await submit(urgent());
  const id = json.referralId as string;
  while (!rt.smsOutbox.sent.some((m) => doctorPhones.has(m.to) && m.body.includes(id))) {
    if (performance.now() - t > 120_000) throw new Error('no page within 120 s');
    await new Promise((r) => setTimeout(r, 2));
  }
  return performance.now() - t;
}

function row(name: string, samples: number[], baseline?: number) {
  const s = stats(samples);
  const vs = baseline ? `  (${(s.p50 / baseline).toFixed(1)}× baseline p50)` : '  (baseline)';
  console.log(
    `${name.padEnd(34)} p50 ${s.p50.toFixed(1).padStart(7)} ms   p95 ${s.p95.toFixed(1).padStart(7)} ms   p99 ${s.p99.toFixed(1).padStart(7)} ms   mean ${s.mean.toFixed(1).padStart(7)} ms${vs}`,
  );
  return s.p50;
}

// limits raised: this measures latency, not the attorneys' allowances or the page budget
const rt = await startTestRuntime({
  limits: {
    URGENT_PER_SUBMITTER_PER_DAY: 100_000,
    URGENT_PER_DOMAIN_PER_DAY: 100_000,
    ROUTINE_PER_SUBMITTER_PER_DAY: 100_000,
    PAGE_BUDGET_PER_HOUR: 100_000,
  },
});
/** The fixture attorney's domain on the approved list (as a coordinator would put it), so referrals page and get offers. */
const trustFixtureDomain = async () => {
  const { token } = (await call(rt, 'GET', '/_local/token?group=coordinators')).json;
  await call(rt, 'POST', '/api/staff/submitters', { domain: 'example.org' }, { authorization: `Bearer ${token}` });
};
/** The fixture attorney, signed in. */
const bearer = `Bearer ${await attorneyToken(rt)}`;
const submit = (body: unknown, headers: Record<string, string> = {}) =>
  call(rt, 'POST', '/api/referrals', body, { ...headers, authorization: bearer });

/** The intake rows' attorneys, each signed in, their domains on the approved list. */
const attorneys = Array.from({ length: ATTORNEYS }, (_, i) => `attorney-${i}@firm-${i % DOMAINS}.example.org`);
const trustAttorneyDomains = async () => {
  const { token } = (await call(rt, 'GET', '/_local/token?group=coordinators')).json;
  for (let d = 0; d < DOMAINS; d++) {
    const r = await call(rt, 'POST', '/api/staff/submitters', { domain: `firm-${d}.example.org` }, { authorization: `Bearer ${token}` });
    if (r.status >= 300) throw new Error(`approving a domain answered ${r.status}`);
  }
};
const attorneyBearers = await Promise.all(attorneys.map(async (email) => `Bearer ${await attorneyToken(rt, email)}`));
let turn = 0;
/** A referral from attorney `i` (the body names them, as the form does). */
const submitAs = (i: number, body: ReturnType<typeof validReferral>, headers: Record<string, string> = {}) =>
  call(
    rt,
    'POST',
    '/api/referrals',
    { ...body, attorney: { ...body.attorney, email: attorneys[i] } },
    {
      ...headers,
      authorization: attorneyBearers[i],
    },
  );
/** A referral from the next attorney in turn. */
const submitInTurn = (body: ReturnType<typeof validReferral>, headers: Record<string, string> = {}) =>
  submitAs(turn++ % ATTORNEYS, body, headers);

/** The baseline: one conditional PutItem of a case-sized item into the same table, from this process. */
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: rt.dynamoEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }),
  { marshallOptions: { removeUndefinedValues: true } },
);
const caseSized = parsedReferral();
let puts = 0;
const putItem = () =>
  db.send(
    new PutCommand({
      TableName: TABLES.main,
      Item: {
        pk: `BENCH#${runId}#${puts++}`,
        sk: 'BENCH',
        status: 'awaiting_review',
        createdAt: new Date().toISOString(),
        referral: caseSized,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );

/** Each request's latency, `workers` at a time, every worker running `ops` in turn `rounds` times. */
async function interleaved(
  ops: Record<string, () => Promise<unknown>>,
  rounds: number,
  workers: number,
): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = Object.fromEntries(Object.keys(ops).map((k) => [k, []]));
  let left = rounds;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (left-- > 0) {
        for (const [name, op] of Object.entries(ops)) {
          const t = performance.now();
          const r = (await op()) as { status?: number } | undefined;
          out[name].push(performance.now() - t);
          if (r?.status !== undefined && r.status !== 201 && r.status !== 200) throw new Error(`${name} answered ${r.status}`);
        }
      }
    }),
  );
  return out;
}

/** The samples of `measure`, and how late the event loop ran ready callbacks meanwhile (ms). */
async function withLoopDelay(measure: () => Promise<Record<string, number[]>>) {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  try {
    const samples = await measure();
    return { samples, delay: { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 } };
  } finally {
    loop.disable();
  }
}

function rowsVsPutItem(title: string, { samples, delay }: Awaited<ReturnType<typeof withLoopDelay>>) {
  const put = stats(samples['bare PutItem']);
  console.log(title);
  console.log(
    `${'(event-loop delay meanwhile)'.padEnd(40)} p50 ${delay.p50.toFixed(1).padStart(7)} ms   p99 ${delay.p99.toFixed(1).padStart(7)} ms   max ${delay.max.toFixed(1)} ms`,
  );
  results.push({ name: `event-loop delay, ${title.replace(/[:.]$/, '')}`, unit: 'ms', p50: round1(delay.p50), p99: round1(delay.p99) });
  for (const [name, xs] of Object.entries(samples)) {
    const s = stats(xs);
    const vs =
      name === 'bare PutItem' ? '  (baseline)' : `  (p99 ${s.p99 - put.p99 >= 0 ? '+' : ''}${(s.p99 - put.p99).toFixed(1)} ms vs PutItem)`;
    console.log(
      `${name.padEnd(40)} p50 ${s.p50.toFixed(1).padStart(7)} ms   p95 ${s.p95.toFixed(1).padStart(7)} ms   p99 ${s.p99.toFixed(1).padStart(7)} ms   mean ${s.mean.toFixed(1).padStart(7)} ms${vs}`,
    );
    results.push({
      name: `${name}, ${title.replace(/[:.]$/, '')}`,
      unit: 'ms',
      p50: round1(s.p50),
      p99: round1(s.p99),
      samples: xs.length,
      baseline: name === 'bare PutItem' ? 'baseline' : `bare PutItem, ${title.replace(/[:.]$/, '')}`,
    });
  }
}
const round1 = (x: number) => Number(x.toFixed(1));

try {
  await trustFixtureDomain();
  await trustAttorneyDomains();
  const routine = () => validReferral({ client: { aNumber: freshANumber() } }); // another person each time: no duplicates
  const urgent = () => validReferral({ medical: { attorneyUrgency: 'urgent' }, client: { aNumber: freshANumber() } });
  const body = routine();
  let k = 0;
  const ops = {
    'bare PutItem': putItem,
    'GET /api/health': () => call(rt, 'GET', '/api/health'),
    'POST /api/referrals routine (no key)': () => submitInTurn(routine()),
    'POST /api/referrals urgent (no key)': () => submitInTurn(urgent()),
    'POST /api/referrals routine (new key)': () => submitInTurn(routine(), { 'Idempotency-Key': `bench-${runId}-${k++}` }),
    'POST /api/referrals (replayed key)': () => submit(body, { 'Idempotency-Key': `bench-${runId}-replayed` }),
  };
  await interleaved(ops, 20, 1); // warm-up
  await rt.settle();
  console.log(
    `\nIntake next to a bare PutItem on the same DynamoDB Local (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} CPUs)`,
  );
  rowsVsPutItem(`sequential, ${N} each, interleaved:`, await withLoopDelay(() => interleaved(ops, N, 1)));
  await rt.settle();
  const paused = (measure: () => Promise<Record<string, number[]>>) => rt.withLanesPaused(() => withLoopDelay(measure));
  rowsVsPutItem(`sequential, ${N} each, interleaved, stream lanes paused:`, await paused(() => interleaved(ops, N, 1)));
  await rt.settle();
  const { 'GET /api/health': _health, ...loadedOps } = ops;
  rowsVsPutItem(`concurrency ${LOADED}, ${N} each, interleaved:`, await withLoopDelay(() => interleaved(loadedOps, N, LOADED)));
  await rt.settle();
  rowsVsPutItem(
    `concurrency ${LOADED}, ${N} each, interleaved, stream lanes paused:`,
    await paused(() => interleaved(loadedOps, N, LOADED)),
  );
  await rt.settle();

  const roster = demoRoster(new Date());
  const doctorPhones = new Set(roster.doctors.map((d) => d.phone));
  const resetWithRoster = async (withRoster: boolean) => {
    await call(rt, 'POST', '/_local/reset');
    if (withRoster && (await call(rt, 'PUT', '/_local/roster', roster)).status !== 200) throw new Error('roster rejected');
    await trustFixtureDomain();
    await trustAttorneyDomains();
  };

  console.log(`\nUrgent referral: submit → first doctor page SMS (demo roster; ${MIXED_SAMPLES} samples each)`);
  await resetWithRoster(true);
  const idle: number[] = [];
  for (let i = 0; i < Math.max(MIXED_SAMPLES, 10); i++) idle.push(await urgentToFirstPage(urgent, doctorPhones));
  const idleP50 = row('idle', idle);
  const idleStats = stats(idle);
  results.push({
    name: 'urgent submit → first page SMS, idle',
    unit: 'ms',
    p50: idleStats.p50,
    p99: idleStats.p99,
    samples: idle.length,
    baseline: 'baseline',
  });
  await resetWithRoster(true);
  const mixed: number[] = [];
  for (let i = 0; i < MIXED_SAMPLES; i++) {
    await submitMany(ROUTINE_BEFORE_URGENT, routine);
    mixed.push(await urgentToFirstPage(urgent, doctorPhones));
  }
  row(`behind ${ROUTINE_BEFORE_URGENT} routine (c=${CONCURRENCY})`, mixed, idleP50);
  const mixedStats = stats(mixed);
  results.push({
    name: `urgent submit → first page SMS, just after ${ROUTINE_BEFORE_URGENT} routine referrals at concurrency ${CONCURRENCY}`,
    unit: 'ms',
    p50: mixedStats.p50,
    p99: mixedStats.p99,
    samples: mixed.length,
    baseline: 'urgent submit → first page SMS, idle',
  });

  console.log(`\nRoutine drain: ${DRAIN_N} routine referrals at concurrency ${CONCURRENCY}, time after the last request until all is sent`);
  const drains: Record<string, number> = {};
  for (const withRoster of [false, true]) {
    await resetWithRoster(withRoster);
    const t0 = performance.now();
    await submitMany(DRAIN_N, routine);
    const last = performance.now();
    await rt.settle();
    const drained = performance.now();
    const label = withRoster ? 'with the demo roster' : 'no roster';
    drains[label] = (drained - last) / 1000;
    const email = (await call(rt, 'GET', '/_local/outbox')).json.email as { to: string[]; subject: string; text: string }[];
    const ids = new Set(
      (await Promise.all((['awaiting_review'] as const).map((st) => rt.deps.store.listCases(st)))).flat().map((c) => c.referralId),
    );
    const receipts = email.filter((m) => m.to.some((to) => attorneys.includes(to)));
    const perMessage = new Map<string, number>();
    for (const m of email) for (const to of m.to) perMessage.set(`${to} ${m.subject}`, (perMessage.get(`${to} ${m.subject}`) ?? 0) + 1);
    const twice = [...perMessage.values()].filter((n) => n > 1).length;
    const offers = email.filter((m) => roster.doctors.some((d) => m.to.includes(d.email))).length;
    const notices = email.filter((m) => roster.coordinators.some((c) => m.to.includes(c.email))).length;
    console.log(
      `${label.padEnd(22)} submitted in ${((last - t0) / 1000).toFixed(1)} s; drained ${drains[label].toFixed(1)} s after the last request; ` +
        `${ids.size} stored, ${receipts.length} receipts, ${notices} coordinator notices, ${offers} doctor offers, ${twice} sent twice` +
        (withRoster ? `  (${(drains[label] / Math.max(drains['no roster'], 0.001)).toFixed(1)}× the no-roster drain)` : '  (baseline)'),
    );
    if (ids.size !== DRAIN_N || receipts.length !== DRAIN_N || twice > 0) throw new Error('referrals or messages lost or doubled');
    results.push({
      name: `routine drain after the last of ${DRAIN_N} requests, ${label}`,
      unit: 's',
      value: drains[label],
      baseline: withRoster ? `routine drain after the last of ${DRAIN_N} requests, no roster` : 'baseline',
    });
  }

  console.log('\nRoutine work per referral (demo roster, 50 open cases assigned to other doctors; bench/routine-work.ts)');
  await call(rt, 'POST', '/_local/reset');
  const work = await routineWork(rt);
  console.log(
    `${work.dynamoCalls.toFixed(1)} DynamoDB calls (${Object.entries(work.byCommand)
      .map(([k, v]) => `${v} ${k.replace('Command', '')}`)
      .join(', ')}), ${work.readUnits.toFixed(1)} read units, ${work.kbRead} KB read, ${work.emails} emails, ${work.sms} SMS per referral`,
  );
  for (const [name, unit, value] of [
    ['DynamoDB calls per routine referral', 'calls', work.dynamoCalls],
    ['DynamoDB read units per routine referral', 'RCU', work.readUnits],
    ['KB read from DynamoDB per routine referral', 'KB', work.kbRead],
    ['messages per routine referral', 'messages', work.emails + work.sms],
  ] as const) {
    results.push({ name, unit, value, samples: work.referrals });
  }
} finally {
  await rt.stop();
}

saveResults('flows', {
  measuredAt: new Date().toISOString(),
  machine: { cpus: cpus().length, node: process.version, loadAverage1m: Number(loadavg()[0].toFixed(1)) },
  results,
});
console.log('\nwritten to bench/results.json');
