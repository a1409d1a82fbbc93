/**
 * Cold start of every Lambda bundle, side by side with a bare handler that imports only
 * `@aws-sdk/client-dynamodb` and makes one client.
 *   npm run bench:cold          (BENCH_COLD_N=15 rounds by default; also the last part of npm run bench)
 * 1. each bundle is built by CDK itself: `MedreviewFunction` (the class every function uses, so the same
 *    esbuild options) in a throwaway stack, asset bundling on
 * 2. every sample imports one bundle in a fresh Node process with the environment CDK gives that function
 *    (NODE_OPTIONS included) and checks that it exports a handler; a round samples every bundle once, in a
 *    new random order, so the noise of a shared machine falls on all of them alike
 * 3. intake's import + first request too, with and without an Idempotency-Key (code loaded at the first
 *    request that needs it counts there), against a stand-in for DynamoDB and KMS on localhost
 * 4. where valgrind is installed, the instructions of each import (one sample: unlike time, the count does not
 *    change with the machine's load); beside the bare handler, intake's and offers' libraries alone
 * 5. medians, the bytes an import reads and the ratios to the bare handler go to bench/results.json
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { App, Stack, type CfnResource } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { MedreviewFunction, projectRoot } from '../infra/function.js';
import { freshANumber, validReferral } from '../test/fixtures/referral.js';
import { saveResults } from './results.js';

const ROUNDS = Number(process.env.BENCH_COLD_N ?? 15);
const BARE = 'bare DynamoDB';
/**
 * Handlers that are not ours, built like ours: the yardstick (`BARE`), and for intake and offers the libraries
 * each cannot do without, used once and with none of our code: how far the libraries alone go towards 1.3×.
 */
const BASELINES: Record<string, { file: string; forFunction?: string }> = {
  [BARE]: { file: 'handler.ts' },
  'intake: its libraries only': { file: 'intake-libraries.ts', forFunction: 'intake' },
  'offers: its libraries only': { file: 'offers-libraries.ts', forFunction: 'offers' },
};
/** BENCH_ONLY=intake,offers measures those (and the bare handler) only; results.json is then left alone. */
const ONLY = process.env.BENCH_ONLY?.split(',');

interface Bundle {
  file: string;
  /** NODE_OPTIONS of the synthesized function ('' when CDK sets none). */
  nodeOptions: string;
}

/** Builds every bundle exactly as `cdk synth` does; returns name → entry file and the function's NODE_OPTIONS. */
function buildBundles(outdir: string): Map<string, Bundle> {
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'ColdStartBench');
  const key = new Key(stack, 'Key');
  const names = readdirSync(join(projectRoot, 'functions'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((n) => !ONLY || ONLY.includes(n))
    .sort();
  const baselines = Object.entries(BASELINES).filter(([, { forFunction }]) => !ONLY || !forFunction || ONLY.includes(forFunction));
  const fns = [
    ...baselines.map(([name, { file }], i) => ({
      name,
      fn: new MedreviewFunction(stack, {
        name: `baseline${i}`,
        entry: join(projectRoot, 'bench', 'bare', file),
        key,
        environment: {},
        reservedConcurrency: 1,
      }),
    })),
    ...names.map((name) => ({ name, fn: new MedreviewFunction(stack, { name, key, environment: {}, reservedConcurrency: 1 }) })),
  ];
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<string, { Metadata?: Record<string, string>; Properties: { Environment?: { Variables?: Record<string, string> } } }>;
  };
  return new Map(
    fns.map(({ name, fn }) => {
      const resource = template.Resources[stack.getLogicalId(fn.node.defaultChild as CfnResource)]!;
      const file = join(outdir, resource.Metadata!['aws:asset:path']!, 'index.mjs');
      return [name, { file, nodeOptions: resource.Properties.Environment?.Variables?.NODE_OPTIONS ?? '' }];
    }),
  );
}

/** Bytes an import reads: the entry and the chunks it imports statically (not those behind an `import()`). */
function importedBytes(entry: string): number {
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, path] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*"(\.\.?\/[^"]+)"/g)) visit(resolve(dirname(file), path!));
  };
  visit(entry);
  return [...files].reduce((sum, f) => sum + statSync(f).size, 0);
}

/** All the code of the asset, chunks loaded on a rare path included. */
function assetBytes(entry: string): number {
  const dir = dirname(entry);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.mjs'))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

/** Environment a deployed function starts with (config.ts fails fast without it). */
const lambdaEnv = {
  PATH: process.env.PATH,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  TABLE_NAME: 'table',
  IDEMPOTENCY_TABLE_NAME: 'idempotency',
  BASE_URL: 'https://cases.example.org',
  MAIL_FROM: 'cases@example.org',
  SCHEDULE_GROUP: 'group',
  A_NUMBER_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/bench',
  SCHEDULE_TARGET_ARN: 'arn:aws:lambda:us-east-1:000000000000:function:timer',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/scheduler',
  DOCUMENTS_BUCKET: 'documents',
  POWERTOOLS_SERVICE_NAME: 'medreview',
  POWERTOOLS_METRICS_NAMESPACE: 'medreview',
};

interface Sample {
  /** Wall time from `import()` to the module (and, for a request, to its response). */
  ms: number;
  /** CPU time of the process over the same span: less disturbed by other work on the machine. */
  cpuMs: number;
}

const run = promisify(execFile);

/** Imports one bundle in a new process; with `event`, then calls its handler once and expects a 201. */
async function sample(bundle: Bundle, event?: unknown, endpoint?: string): Promise<Sample> {
  const script = `const c = process.cpuUsage(); const t = performance.now();
const m = await import(${JSON.stringify(bundle.file)});
if (typeof m.handler !== 'function') throw new Error('no handler');
const event = ${JSON.stringify(event ?? null)};
if (event) {
  const res = await m.handler(event, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10000 });
  if (res.statusCode !== 201) throw new Error(res.statusCode + ' ' + res.body);
}
const ms = performance.now() - t; const u = process.cpuUsage(c);
console.log(ms, (u.user + u.system) / 1000); process.exit(0);`;
  const env = { ...lambdaEnv, NODE_OPTIONS: bundle.nodeOptions, ...(endpoint ? { AWS_ENDPOINT_URL: endpoint } : {}) };
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env });
  const [ms, cpuMs] = stdout.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { ms: ms!, cpuMs: cpuMs! };
}

/**
 * Instructions Node runs to import one bundle (valgrind's count, minus a Node that does nothing), with V8's
 * background threads (compiler, GC) folded into the main one so the count repeats within about 5 %: one
 * sample is enough, and another process's load does not change it. Undefined when valgrind is not installed.
 */
async function instructions(bundle?: Bundle): Promise<number | undefined> {
  const code = bundle ? `await import(${JSON.stringify(bundle.file)})` : '0';
  const env = { ...lambdaEnv, NODE_OPTIONS: bundle?.nodeOptions ?? '' };
  const args = [
    '--tool=cachegrind',
    '--cache-sim=no',
    '--cachegrind-out-file=/dev/null',
    process.execPath,
    '--single-threaded',
    '--input-type=module',
    '-e',
    code,
  ];
  try {
    const { stderr } = await run('valgrind', args, { env, maxBuffer: 64 * 1024 * 1024 });
    return Number(stderr.match(/I\s+refs:\s+([\d,]+)/)![1]!.replaceAll(',', ''));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** DynamoDB and KMS on localhost: every DynamoDB call succeeds and finds nothing, GenerateMac returns a MAC. */
async function fakeAws(): Promise<{ url: string; close: () => void }> {
  const server = createServer((req, res) => {
    req.resume().on('end', () => {
      const mac = req.headers['x-amz-target'] === 'TrentService.GenerateMac';
      res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(mac ? { Mac: Buffer.alloc(32, 7).toString('base64'), MacAlgorithm: 'HMAC_SHA_256', KeyId: 'bench' } : {}));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

const referralEvent = (idempotencyKey?: string) => ({
  httpMethod: 'POST',
  resource: '/api/referrals',
  path: '/api/referrals',
  headers: { 'Content-Type': 'application/json', ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
  body: JSON.stringify(validReferral({ client: { aNumber: freshANumber() } })),
  isBase64Encoded: false,
  // what API Gateway's Cognito authorizer passes on for the signed-in fixture attorney
  requestContext: { authorizer: { claims: { email: 'ana.perez@example.org', email_verified: 'true' } } },
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const round1 = (x: number) => Number(x.toFixed(1));

const outdir = mkdtempSync(join(tmpdir(), 'medreview-cold-'));
const aws = await fakeAws();
try {
  console.log("Building the bundles with CDK's bundling…");
  const bundles = buildBundles(outdir);
  const intake = bundles.get('intake');
  // what each sample does: import a bundle, or import intake and serve its first referral
  const jobs = new Map<string, () => Promise<Sample>>([...bundles].map(([name, bundle]) => [name, () => sample(bundle)]));
  if (intake) {
    jobs.set('intake: first request', () => sample(intake, referralEvent(), aws.url));
    jobs.set('intake: first request with Idempotency-Key', () => sample(intake, referralEvent(crypto.randomUUID()), aws.url));
  }
  const samples = new Map([...jobs.keys()].map((n) => [n, [] as Sample[]]));
  for (const job of jobs.values()) await job(); // file cache warm for all alike
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...jobs.keys()].sort(() => Math.random() - 0.5);
    for (const name of order) samples.get(name)!.push(await jobs.get(name)!());
  }
  console.log('Counting instructions with valgrind, where installed…');
  const nothing = await instructions();
  const counted = new Map<string, number>();
  if (nothing !== undefined) for (const [name, bundle] of bundles) counted.set(name, (await instructions(bundle))! - nothing);
  const ms = (name: string) => median(samples.get(name)!.map((s) => s.ms));
  const cpuMs = (name: string) => median(samples.get(name)!.map((s) => s.cpuMs));
  const base = ms(BARE);
  const rows = [...bundles].map(([name, { file, nodeOptions }]) => ({
    name,
    kib: Math.round(importedBytes(file) / 1024),
    assetKib: Math.round(assetBytes(file) / 1024),
    nodeOptions,
    importMs: round1(ms(name)),
    cpuMs: round1(cpuMs(name)),
    ratio: Number((ms(name) / base).toFixed(2)),
    ...(counted.has(name)
      ? { mInstructions: round1(counted.get(name)! / 1e6), instructionRatio: Number((counted.get(name)! / counted.get(BARE)!).toFixed(2)) }
      : {}),
  }));
  const requests = [...jobs.keys()]
    .filter((name) => !bundles.has(name))
    .map((name) => ({ name, importAndRequestMs: round1(ms(name)), cpuMs: round1(cpuMs(name)) }));
  console.log(`\nCold import in a fresh Node ${process.version} process, median of ${ROUNDS} interleaved samples\n`);
  console.log(
    '| bundle | read at import | all code | import | CPU | vs bare | instructions | vs bare |\n|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of rows) {
    const counts = r.mInstructions === undefined ? '| – | –' : `| ${r.mInstructions.toFixed(1)} M | ${r.instructionRatio!.toFixed(2)}×`;
    console.log(
      `| ${r.name} | ${r.kib} KiB | ${r.assetKib} KiB | ${r.importMs.toFixed(1)} ms | ${r.cpuMs.toFixed(1)} ms | ${r.ratio.toFixed(2)}× ${counts} |`,
    );
  }
  for (const r of requests)
    console.log(`| ${r.name} (import + request) | | | ${r.importAndRequestMs.toFixed(1)} ms | ${r.cpuMs.toFixed(1)} ms | |`);
  if (!ONLY) {
    saveResults('coldStart', {
      measured: new Date().toISOString(),
      node: process.version,
      rounds: ROUNDS,
      method:
        "CDK-built bundle (MedreviewFunction), import() in a fresh process with the function's NODE_OPTIONS, interleaved rounds, median; kib = the entry and the chunks it imports statically; mInstructions = valgrind's instruction count of the import minus an empty Node process",
      baseline: BARE,
      bundles: rows,
      firstRequest: requests,
    });
    console.log('\nwritten to bench/results.json');
  }
} finally {
  aws.close();
  rmSync(outdir, { recursive: true, force: true });
}
