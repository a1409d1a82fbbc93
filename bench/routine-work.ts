/**
 * The work one routine referral costs: every DynamoDB call (by command, with the items each read), every
 * email and SMS, from its `POST /api/referrals` until the stream has settled, with the demo roster
 * loaded and 50 open cases already assigned to other doctors (what a doctor's load is counted from).
 * Several referrals are measured one after another, after one that warms the caches, and averaged.
 *   npx tsx bench/routine-work.ts [N]
 * Run by `npm run bench` (bench/intake.ts), which writes the figures to bench/results.json.
 */
import type { LocalRuntime } from '../local/runtime.js';
import { demoRoster } from '../local/demo-roster.js';
import type { CaseRecord } from '../shared/domain/types.js';
import { caseRecord } from '../test/fixtures/case.js';
import { freshANumber, validReferral } from '../test/fixtures/referral.js';
import { attorneyCall, call, startTestRuntime } from '../test/support/runtime.js';

export interface RoutineWork {
  referrals: number;
  /** Per referral, on average. */
  dynamoCalls: number;
  itemsRead: number;
  /** Size of what those reads returned (JSON), and the read capacity DynamoDB counted for them. */
  kbRead: number;
  readUnits: number;
  emails: number;
  sms: number;
  byCommand: Record<string, number>;
}

type Command = { constructor: { name: string }; input: { ReturnConsumedCapacity?: string } };
type Output = { Items?: unknown[]; Item?: unknown; ConsumedCapacity?: { CapacityUnits?: number } };
type Sendable = { send: (command: Command) => Promise<Output> };

export async function routineWork(rt: LocalRuntime, n = 5, assigned = 50): Promise<RoutineWork> {
  const imported = await call(rt, 'PUT', '/_local/roster', demoRoster(new Date()));
  if (imported.status !== 200) throw new Error(imported.text);
  const { token } = (await call(rt, 'GET', '/_local/token?group=coordinators')).json;
  await call(rt, 'POST', '/api/staff/submitters', { domain: 'example.org' }, { authorization: `Bearer ${token}` });
  for (let i = 0; i < assigned; i++) {
    const id = `MR-${String(i)
      .padStart(8, '0')
      .replace(/[ILOU]/g, '0')}`;
    await rt.deps.store.createCase(caseRecord({ referralId: id, status: 'assigned', assignedDoctorId: `d-other-${i % 10}` }) as CaseRecord);
  }
  const byCommand = new Map<string, number>();
  let itemsRead = 0;
  let bytesRead = 0;
  let readUnits = 0;
  let counting = false;
  const db = (rt.deps.store as unknown as { db: Sendable }).db;
  const send = db.send.bind(db);
  db.send = async (command) => {
    const read = /^(Get|Query)Command$/.test(command.constructor.name);
    if (counting && read) command.input.ReturnConsumedCapacity = 'TOTAL';
    const out = await send(command);
    if (counting) {
      byCommand.set(command.constructor.name, (byCommand.get(command.constructor.name) ?? 0) + 1);
      itemsRead += out.Items?.length ?? (out.Item ? 1 : 0);
      bytesRead += out.Items || out.Item ? JSON.stringify(out.Items ?? out.Item).length : 0;
      if (read) readUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
    }
    return out;
  };
  const submit = async () => {
    const r = await attorneyCall(rt, 'POST', '/api/referrals', validReferral({ client: { aNumber: freshANumber() } }));
    if (r.status !== 201 || r.json.status !== 'awaiting_review') throw new Error(r.text);
    await rt.settle();
  };
  await submit(); // warms the roster cache and the clients
  const before = (await call(rt, 'GET', '/_local/outbox')).json;
  counting = true;
  for (let i = 0; i < n; i++) await submit();
  counting = false;
  const after = (await call(rt, 'GET', '/_local/outbox')).json;
  const calls = [...byCommand.values()].reduce((a, b) => a + b, 0);
  return {
    referrals: n,
    dynamoCalls: calls / n,
    itemsRead: itemsRead / n,
    kbRead: Math.round(bytesRead / n / 102.4) / 10,
    readUnits: readUnits / n,
    emails: (after.email.length - before.email.length) / n,
    sms: (after.sms.length - before.sms.length) / n,
    byCommand: Object.fromEntries([...byCommand].sort().map(([k, v]) => [k, v / n])),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rt = await startTestRuntime();
  try {
    const work = await routineWork(rt, Number(process.argv[2] ?? 5));
    console.log(JSON.stringify(work, null, 2));
  } finally {
    await rt.stop();
  }
}
