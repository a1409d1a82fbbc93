/**
 * Profiles the routine drain: submits N routine referrals (concurrency 25) with the demo roster loaded,
 * then times every store, email and SMS call the dispatcher makes until the stream is settled.
 *   npx tsx bench/profile-drain.ts [N]
 */
import { freshANumber, validReferral } from '../test/fixtures/referral.js';
import { attorneyToken, call, startTestRuntime } from '../test/support/runtime.js';
import { demoRoster } from '../local/demo-roster.js';

const N = Number(process.argv[2] ?? 300);
// one attorney sends them all: the daily allowance raised, as in bench/intake.ts, so every one gets its offers
const rt = await startTestRuntime({ limits: { ROUTINE_PER_SUBMITTER_PER_DAY: 100_000 } });
const totals = new Map<string, { n: number; ms: number }>();
const note = (name: string, ms: number) => {
  const t = totals.get(name) ?? { n: 0, ms: 0 };
  t.n++;
  t.ms += ms;
  totals.set(name, t);
};
function wrap(target: any, method: string, label: (args: any[]) => string) {
  const original = target[method].bind(target);
  target[method] = async (...args: any[]) => {
    const t = performance.now();
    try {
      return await original(...args);
    } finally {
      note(label(args), performance.now() - t);
    }
  };
}
try {
  const imported = await call(rt, 'PUT', '/_local/roster', demoRoster(new Date()));
  if (imported.status !== 200) throw new Error(imported.text);
  const { token } = (await call(rt, 'GET', '/_local/token?group=coordinators')).json;
  await call(rt, 'POST', '/api/staff/submitters', { domain: 'example.org' }, { authorization: `Bearer ${token}` });
  const store = rt.deps.store as any;
  wrap(store.db, 'send', (a) => `dynamo ${a[0].constructor.name}`);
  wrap(rt.deps.email, 'send', () => 'email.send');
  wrap(rt.deps.sms, 'send', () => 'sms.send');
  const authorization = `Bearer ${await attorneyToken(rt)}`;
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 25 }, async () => {
      while (next < N) {
        next++;
        const r = await call(rt, 'POST', '/api/referrals', validReferral({ client: { aNumber: freshANumber() } }), { authorization });
        if (r.status !== 201) throw new Error(r.text);
      }
    }),
  );
  const submitted = performance.now();
  totals.clear();
  await rt.settle();
  const drained = performance.now();
  console.log(
    `submitted ${N} in ${((submitted - t0) / 1000).toFixed(1)} s; drained ${((drained - submitted) / 1000).toFixed(1)} s after the last request`,
  );
  for (const [name, t] of [...totals].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(
      `${name.padEnd(36)} ${String(t.n).padStart(7)} calls ${(t.ms / 1000).toFixed(1).padStart(8)} s total ${(t.ms / t.n).toFixed(1).padStart(7)} ms each`,
    );
  }
  const outbox = (await call(rt, 'GET', '/_local/outbox')).json;
  console.log(`outbox: ${outbox.sms.length} sms, ${outbox.email.length} email`);
} finally {
  await rt.stop();
}
