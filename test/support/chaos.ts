import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { mapLimit } from '../../shared/concurrency.js';
import { freshANumber, validReferral } from '../fixtures/referral.js';
import { call } from './runtime.js';

/**
 * The local runtime as `npm start` runs it, in a child process on its own data folder, so it can be
 * killed with SIGKILL mid-load and started again on the same data; plus a load that counts what the
 * kill and the faults cost (lost, doubled, receipts missing or twice, urgent cases never paged).
 */
export interface ChaosOptions {
  referrals: number;
  concurrency: number;
  /** FAULTS for the runtime, e.g. `dynamodb:0.05,ses:0.1`. */
  faults: string;
  /** SIGKILL the runtime once this many referrals were answered 201. */
  killAfter: number;
  dataDir: string;
  port: number;
  /** Every third referral is urgent unless said otherwise. */
  urgentEvery?: number;
}

export interface ChaosReport {
  referrals: number;
  answered201: number;
  answered503: number;
  answered500: number;
  /** Referrals answered 201 whose receipt never went out (so never processed: lost). */
  lost: number;
  /** Idempotency keys that ended with more than one referral, none of them in flight at the kill. */
  duplicated: number;
  receiptsMissing: number;
  receiptsTwice: number;
  urgentNeverPaged: number;
  /** Messages sent twice because they were in flight at the kill (first copy before it), and keys in flight then that made a second referral. */
  inFlightDuplicates: number;
  killedAtMs: number;
  restartMs: number;
  drainMs: number;
}

const DOCTORS = [1, 2, 3].map((n) => ({
  id: `d-0${n}`,
  name: `Dr. Number 0${n}`,
  email: `doc0${n}@example.org`,
  phone: `+151255502${String(n).padStart(2, '0')}`,
  specialties: ['general'],
  languages: ['en', 'es'],
  timeZone: 'America/Chicago',
  maxOpenCases: 50,
  active: true,
}));
const COORDINATOR = { id: 'c-lee', name: 'Lee Park', email: 'lee@example.org', phone: '+15125550199' };
const ATTORNEY = validReferral().attorney.email;

export function startChild(dataDir: string, port: number, faults: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    // limits raised: this measures loss and duplicates, not the per-submitter limit or the page budget
    env: {
      ...process.env,
      PORT: String(port),
      LOCAL_DATA_DIR: dataDir,
      FAULTS: faults,
      URGENT_PER_SUBMITTER_PER_DAY: '100000',
      URGENT_PER_DOMAIN_PER_DAY: '100000',
      ROUTINE_PER_SUBMITTER_PER_DAY: '100000',
      PAGE_BUDGET_PER_HOUR: '100000',
    },
    // its output (logs carry ids only) goes to a file in the data folder, for when a start fails
    stdio: ['ignore', openSync(join(dataDir, 'runtime.log'), 'a'), openSync(join(dataDir, 'runtime.log'), 'a')],
  });
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = async () => {
      if (child.exitCode !== null) return reject(new Error(`the runtime exited (${child.exitCode}); see ${join(dataDir, 'runtime.log')}`));
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) return resolve(child);
      if (Date.now() - started > 180_000) return reject(new Error('the runtime did not start within 180 s'));
      setTimeout(check, 200);
    };
    void check();
  });
}

/** Retries a call until it succeeds: through a dropped connection and a restart, a 503, a 409 for a key still in progress; any other answer throws. */
async function until<T extends { status: number }>(attempt: () => Promise<T>, counts: { unavailable: number; errors: number }): Promise<T> {
  for (;;) {
    const response = await attempt().catch(() => undefined);
    if (response && response.status < 300) return response;
    // a 500 from a local hook is a faulted call that ran out of retries: the operator runs it again
    if (response && ![409, 500, 503].includes(response.status)) throw new Error(`answered ${response.status}`);
    if (response?.status === 503) counts.unavailable++;
    if (response?.status === 500) counts.errors++;
    await new Promise((r) => setTimeout(r, 250 + Math.random() * 750));
  }
}

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const rt = { url: `http://127.0.0.1:${o.port}` };
  const counts = { unavailable: 0, errors: 0 };
  let child = await startChild(o.dataDir, o.port, o.faults);
  try {
    const now = Date.now();
    const roster = {
      doctors: DOCTORS,
      coordinators: [COORDINATOR],
      shifts: DOCTORS.map((d) => ({
        doctorId: d.id,
        role: 'primary',
        start: new Date(now - 3_600_000).toISOString(),
        end: new Date(now + 86_400_000).toISOString(),
      })),
    };
    await until(() => call(rt, 'PUT', '/_local/roster', roster), counts);
    const { token } = (await until(() => call(rt, 'GET', '/_local/token?group=coordinators'), counts)).json;
    await until(() => call(rt, 'POST', '/api/staff/submitters', { domain: 'example.org' }, { authorization: `Bearer ${token}` }), counts);

    const answered = new Map<string, string>(); // key → referral id
    const urgent = new Set<string>();
    let killedAt = 0;
    let restartMs = 0;
    let restarting: Promise<void> | undefined;
    const inFlightAtKill = new Set<string>();
    const pending = new Set<string>();
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: o.concurrency }, async () => {
        while (next < o.referrals) {
          const i = next++;
          const key = `chaos-${started.toString(36)}-${i}`;
          const isUrgent = i % (o.urgentEvery ?? 3) === 0;
          const body = validReferral({
            client: { aNumber: freshANumber() },
            ...(isUrgent ? { medical: { attorneyUrgency: 'urgent' as const } } : {}),
          });
          pending.add(key);
          // signed in afresh each time: a restarted runtime signs with new keys
          const submitOnce = async () => {
            const signedIn = await call(rt, 'GET', `/_local/token?attorney=${encodeURIComponent(body.attorney.email)}`);
            if (signedIn.status !== 200) return signedIn;
            return call(rt, 'POST', '/api/referrals', body, { 'Idempotency-Key': key, authorization: `Bearer ${signedIn.json.token}` });
          };
          const response = await until(submitOnce, counts);
          pending.delete(key);
          if (response.status !== 201) throw new Error(`intake answered ${response.status}: ${response.text}`);
          answered.set(key, response.json.referralId);
          if (isUrgent) urgent.add(response.json.referralId);
          if (!killedAt && answered.size >= o.killAfter) {
            killedAt = Date.now();
            for (const k of pending) inFlightAtKill.add(k);
            child.kill('SIGKILL');
            restarting = (async () => {
              await new Promise((r) => child.once('exit', r));
              child = await startChild(o.dataDir, o.port, o.faults);
              restartMs = Date.now() - killedAt;
            })();
          }
        }
      }),
    );
    await restarting;
    const lastAnswer = Date.now();
    // every stream record handled; what failed all its retries is the sweeper's (every 5 minutes in AWS)
    await until(() => call(rt, 'POST', '/_local/settle'), counts);
    await until(() => call(rt, 'POST', '/_local/clock/advance', { minutes: 5 }), counts);
    for (let i = 0; i < 3; i++) await until(() => call(rt, 'POST', '/_local/sweeper'), counts);
    const drainMs = Date.now() - lastAnswer;
    const box = (await call(rt, 'GET', '/_local/outbox')).json as {
      sms: { to: string; body: string; at: string }[];
      email: { to: string[]; subject: string; at: string }[];
    };

    // stored: the staff API finds every referral answered 201 (a new token: the restart made new signing keys)
    const fresh = (await until(() => call(rt, 'GET', '/_local/token?group=coordinators'), counts)).json.token as string;
    const ids = new Set(answered.values());
    let lost = 0;
    await mapLimit([...ids], o.concurrency, async (id) => {
      const found = await until(
        () =>
          call(rt, 'GET', `/api/staff/referrals/${id}`, undefined, { authorization: `Bearer ${fresh}` }).then((r) =>
            r.status === 404 ? { ...r, status: 204 } : r,
          ),
        counts,
      );
      if (found.status !== 200) lost++;
    });
    const killIso = new Date(killedAt).toISOString();
    const byKey = (list: { key?: string; at: string }[]) => {
      const map = new Map<string, string[]>();
      for (const m of list) if (m.key) map.set(m.key, [...(map.get(m.key) ?? []), m.at]);
      return map;
    };
    const idIn = (text: string) => /MR-[0-9A-Z]{8}/.exec(text)?.[0];
    const receipts = byKey(box.email.filter((m) => m.to.includes(ATTORNEY)).map((m) => ({ key: idIn(m.subject), at: m.at })));
    const pages = byKey(
      box.sms.filter((m) => DOCTORS.some((d) => d.phone === m.to)).map((m) => ({ key: `${m.to} ${idIn(m.body)}`, at: m.at })),
    );
    // a message sent twice is in flight when its first copy went out before the kill; any other is a duplicate
    const inFlight = (times: string[]) => times.length === 2 && times[0] <= killIso;
    const twice = (map: Map<string, string[]>) => [...map.values()].filter((t) => t.length > 1 && !inFlight(t)).length;
    const inFlightSent = [...receipts.values(), ...pages.values()].filter(inFlight).length;
    // a referral nobody was answered for: a request in flight at the kill, repeated after it, made it
    const extra = [...receipts.keys()].filter((id) => !ids.has(id)).length;
    // an urgent case not paged because it is a second referral of a patient already paged (held as a
    // duplicate): made by a request in flight at the kill and repeated after it
    const unpaged = [...urgent].filter((id) => !DOCTORS.some((d) => pages.has(`${d.phone} ${id}`)));
    let heldDuplicates = 0;
    for (const id of unpaged) {
      const r = await call(rt, 'GET', `/api/staff/referrals/${id}`, undefined, { authorization: `Bearer ${fresh}` });
      if (JSON.stringify(r.json ?? {}).includes('"duplicate"') && inFlightAtKill.size > 0) heldDuplicates++;
    }
    return {
      referrals: o.referrals,
      answered201: answered.size,
      answered503: counts.unavailable,
      /** 500s (from the intake or a local hook): a defect where the intake answered them. */
      answered500: counts.errors,
      lost,
      duplicated: Math.max(0, extra - inFlightAtKill.size) + twice(pages),
      receiptsMissing: [...ids].filter((id) => !receipts.has(id)).length,
      receiptsTwice: twice(receipts),
      urgentNeverPaged: unpaged.length - heldDuplicates,
      inFlightDuplicates: inFlightSent + Math.min(extra, inFlightAtKill.size) + heldDuplicates,
      killedAtMs: killedAt - started,
      restartMs,
      drainMs,
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
  }
}
