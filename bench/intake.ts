/**
 * Benchmark: prints numbers, each next to a baseline measured in the same run.
 *   npm run bench
 * 1. HTTP latency through the local runtime (DynamoDB Local): health check (baseline) vs intake
 *    without and with an Idempotency-Key
 * 2. submit → first page SMS (stream poller + dispatcher + wave 1), per urgent referral
 * (the cold import of every Lambda bundle is bench/cold-start.ts, which `npm run bench` runs next)
 */
import { validReferral } from '../test/fixtures/referral.js';
import { call, startTestRuntime } from '../test/support/runtime.js';

const N = Number(process.env.BENCH_N ?? 100);

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

function row(name: string, samples: number[], baseline?: number) {
  const s = stats(samples);
  const vs = baseline ? `  (${(s.p50 / baseline).toFixed(1)}× baseline p50)` : '  (baseline)';
  console.log(`${name.padEnd(34)} p50 ${s.p50.toFixed(1).padStart(7)} ms   p95 ${s.p95.toFixed(1).padStart(7)} ms   mean ${s.mean.toFixed(1).padStart(7)} ms${vs}`);
  return s.p50;
}

async function time(fn: () => Promise<unknown>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const rt = await startTestRuntime();
try {
  const roster = {
    doctors: [{ id: 'd-1', name: 'Dr. One', email: 'one@example.org', phone: '+15125550101', specialties: ['general'], languages: ['en'], timeZone: 'America/Chicago', maxOpenCases: 50, active: true }],
    coordinators: [{ id: 'c-1', name: 'Coordinator', email: 'c@example.org', phone: '+15125550199' }],
    shifts: [{ doctorId: 'd-1', role: 'primary', start: new Date(Date.now() - 3600e3).toISOString(), end: new Date(Date.now() + 86400e3).toISOString() }],
  };
  const body = validReferral();
  await time(() => call(rt, 'POST', '/api/referrals', body), 20); // warm-up

  console.log(`\nHTTP through the local runtime, ${N} sequential requests each`);
  const base = row('GET /api/health', await time(() => call(rt, 'GET', '/api/health'), N));
  row('POST /api/referrals (no key)', await time(() => call(rt, 'POST', '/api/referrals', body), N), base);
  let k = 0;
  row('POST /api/referrals (new key)', await time(() => call(rt, 'POST', '/api/referrals', body, { 'Idempotency-Key': `bench-${k++}` }), N), base);
  row('POST /api/referrals (replayed key)', await time(() => call(rt, 'POST', '/api/referrals', body, { 'Idempotency-Key': 'bench-0' }), N), base);
  const drain = performance.now();
  await rt.settle();
  console.log(`dispatcher drained ${4 * N + 20} routine referrals (receipt + coordinator notice each) in ${((performance.now() - drain) / 1000).toFixed(1)} s after the last request`);

  console.log('\nUrgent referral: submit → first page SMS (20 referrals, one at a time; stream polled every 100 ms)');
  await call(rt, 'POST', '/_local/reset');
  const imported = await call(rt, 'PUT', '/_local/roster', roster);
  if (imported.status !== 200) throw new Error(`roster rejected: ${imported.text}`);
  const urgent = validReferral({ medical: { attorneyUrgency: 'urgent' } });
  const { sent } = rt.smsOutbox;
  const pageLatency: number[] = [];
  for (let i = 0; i < 20; i++) {
    const before = sent.length;
    const t = performance.now();
    await call(rt, 'POST', '/api/referrals', urgent);
    while (sent.length === before) await new Promise((r) => setTimeout(r, 2));
    pageLatency.push(performance.now() - t);
  }
  row('submit → page SMS', pageLatency);
} finally {
  await rt.stop();
}
