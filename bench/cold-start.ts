/**
 * Cold start of every Lambda bundle, side by side with a bare handler that imports only
 * `@aws-sdk/client-dynamodb` and makes one client.
 *   npm run bench:cold          (BENCH_COLD_N=15 rounds by default; also the last part of npm run bench)
 * 1. each bundle is built by CDK itself: `MedreviewFunction` (the class every function uses, so the same
 *    esbuild options) in a throwaway stack, asset bundling on
 * 2. every sample imports one bundle in a fresh Node process with the function's NODE_OPTIONS and checks
 *    that it exports a handler; a round samples every bundle once, in a new random order, so the noise of
 *    a shared machine falls on all of them alike
 * 3. the median per bundle, its size and its ratio to the bare handler go to bench/results.json
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { saveResults } from './results.js';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, type CfnResource } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { MedreviewFunction, projectRoot } from '../infra/function.js';

const ROUNDS = Number(process.env.BENCH_COLD_N ?? 15);
const BARE = 'bare DynamoDB';
/** BENCH_ONLY=intake,offers measures those (and the bare handler) only; results.json is then left alone. */
const ONLY = process.env.BENCH_ONLY?.split(',');

/** Builds every bundle exactly as `cdk synth` does; returns name → bundle file. */
function buildBundles(outdir: string): Map<string, string> {
  const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new Stack(app, 'ColdStartBench');
  const key = new Key(stack, 'Key');
  const names = readdirSync(join(projectRoot, 'functions'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((n) => !ONLY || ONLY.includes(n))
    .sort();
  const fns = [
    {
      name: BARE,
      fn: new MedreviewFunction(stack, {
        name: 'bare',
        entry: join(projectRoot, 'bench', 'bare', 'handler.ts'),
        key,
        environment: {},
        reservedConcurrency: 1,
      }),
    },
    ...names.map((name) => ({ name, fn: new MedreviewFunction(stack, { name, key, environment: {}, reservedConcurrency: 1 }) })),
  ];
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<string, { Metadata?: Record<string, string> }>;
  };
  return new Map(
    fns.map(({ name, fn }) => {
      const id = stack.getLogicalId(fn.node.defaultChild as CfnResource);
      return [name, join(outdir, template.Resources[id]!.Metadata!['aws:asset:path']!, 'index.mjs')];
    }),
  );
}

/** Environment a deployed function starts with (config.ts fails fast without it); NODE_OPTIONS as infra/function.ts sets it. */
const lambdaEnv = {
  PATH: process.env.PATH,
  NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '',
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
  POWERTOOLS_SERVICE_NAME: 'medreview',
  POWERTOOLS_METRICS_NAMESPACE: 'medreview',
};

/** Milliseconds from `import()` to a module whose handler is a function, in a new process. */
function importOnce(file: string): number {
  const script = `const t = performance.now(); const m = await import(${JSON.stringify(file)}); const ms = performance.now() - t;
if (typeof m.handler !== 'function') throw new Error('no handler'); console.log(ms);`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: lambdaEnv });
  return Number(out.toString().trim().split('\n').at(-1));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const outdir = mkdtempSync(join(tmpdir(), 'medreview-cold-'));
try {
  console.log("Building the bundles with CDK's bundling…");
  const bundles = buildBundles(outdir);
  const samples = new Map([...bundles.keys()].map((n) => [n, [] as number[]]));
  for (const file of bundles.values()) importOnce(file); // file cache warm for all alike
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...bundles.keys()].sort(() => Math.random() - 0.5);
    for (const name of order) samples.get(name)!.push(importOnce(bundles.get(name)!));
  }
  const base = median(samples.get(BARE)!);
  const rows = [...bundles].map(([name, file]) => {
    const ms = median(samples.get(name)!);
    return { name, kib: Math.round(statSync(file).size / 1024), importMs: Number(ms.toFixed(1)), ratio: Number((ms / base).toFixed(2)) };
  });
  console.log(`\nCold import in a fresh Node ${process.version} process, median of ${ROUNDS} interleaved samples\n`);
  console.log('| bundle | size | import | vs bare |\n|---|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.name} | ${r.kib} KiB | ${r.importMs.toFixed(1)} ms | ${r.ratio.toFixed(2)}× |`);
  if (!ONLY)
    saveResults('coldStart', {
      measured: new Date().toISOString(),
      node: process.version,
      rounds: ROUNDS,
      method:
        'CDK-built bundle (MedreviewFunction), import() in a fresh process (NODE_OPTIONS from BENCH_NODE_OPTIONS, empty by default), interleaved rounds, median',
      baseline: BARE,
      bundles: rows,
    });
  if (!ONLY) console.log('\nwritten to bench/results.json');
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
