/**
 * Chaos benchmark: `npm run bench:chaos`.
 * 1,000 referrals at concurrency 25 against the local runtime in a child process with FAULTS on every
 * adapter (DynamoDB 5 %, SES 10 %, SMS 10 %, scheduler 5 %) and one `kill -9` mid-run, then a restart on
 * the same data; the client retries 503s (and connection errors) with the same Idempotency-Key.
 * Prints and writes to bench/results.json (`chaos`): lost, duplicated, receipts missing or twice, urgent
 * cases never paged (all must be 0) and the duplicates of messages in flight at the kill.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../local/net.js';
import { runChaos } from '../test/support/chaos.js';
import { saveResults } from './results.js';

const referrals = Number(process.env.BENCH_CHAOS_N ?? 1000);
const faults = process.env.BENCH_CHAOS_FAULTS ?? 'dynamodb:0.05,ses:0.1,sms:0.1,scheduler:0.05';
const dataDir = mkdtempSync(join(tmpdir(), 'medreview-chaos-'));
const started = Date.now();
// the machine is shared: the load it ran under is part of the figures
const loadAtStart = Number(loadavg()[0].toFixed(1));
try {
  const report = await runChaos({
    referrals,
    concurrency: 25,
    faults,
    killAfter: Math.floor(referrals / 2),
    dataDir,
    port: await freePort(),
  });
  console.log(`\nChaos: ${referrals} referrals at concurrency 25, FAULTS=${faults}, kill -9 after ${Math.floor(referrals / 2)} answers`);
  console.log(
    `  ${Math.round((Date.now() - started) / 1000)} s on ${cpus().length} CPUs, load average ${loadAtStart} at start, ${loadavg()[0].toFixed(1)} at end`,
  );
  for (const [name, value] of Object.entries(report)) console.log(`  ${name.padEnd(20)} ${value}`);
  const failed = (['lost', 'duplicated', 'receiptsMissing', 'receiptsTwice', 'urgentNeverPaged'] as const).filter((k) => report[k] !== 0);
  saveResults('chaos', {
    measuredAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      node: process.version,
      loadAverage1mAtStart: loadAtStart,
      loadAverage1mAtEnd: Number(loadavg()[0].toFixed(1)),
    },
    faults,
    concurrency: 25,
    seconds: Math.round((Date.now() - started) / 1000),
    ...report,
  });
  console.log('\nwritten to bench/results.json');
  if (failed.length) {
    console.error(`not 0: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
