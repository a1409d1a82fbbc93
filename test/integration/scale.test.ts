import { describe, expect, it } from 'vitest';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalRuntime } from '../../local/runtime.js';
import { LOCAL_CREDENTIALS, TABLES } from '../../local/dynamo.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../shared/store/dynamo.js';
import type { CaseRecord } from '../../shared/domain/types.js';
import { listCopies } from '../../shared/store/case-changes.js';
import { caseItem } from '../../shared/store/items.js';
import { SWEEP_BATCH } from '../../shared/usecases/sweeper.js';
import { freshANumber, parsedReferral, validReferral } from '../fixtures/referral.js';
import { rosterDocument } from '../fixtures/roster.js';
import { call, useTestRuntime, attorneyCall } from '../support/runtime.js';
import { clockNow, resetWith, settle, staffCall } from './helpers.js';

let rt: LocalRuntime;
useTestRuntime((r) => (rt = r));

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let serial = 0;
const nextId = () =>
  `MR-${Array.from({ length: 8 }, (_, i) => CROCKFORD[Math.floor(serial / 32 ** (7 - i)) % 32]).join('')}${(serial++, '')}`;

/**
 * Open cases, stored straight into the table (not dispatched), each a second newer than the last:
 * routine ones by default, `due` ones the sweeper must look at; `as` shapes every n-th one (n from 0).
 */
async function seed(count: number, { due = false, as = (_n: number): Partial<CaseRecord> => ({}) } = {}): Promise<string[]> {
  const now = await clockNow(rt);
  const referral = parsedReferral();
  const records: CaseRecord[] = Array.from({ length: count }, (_, n) => {
    const createdAt = new Date(now.getTime() - 86_400_000 + serial * 1000).toISOString();
    return {
      referralId: nextId(),
      status: 'awaiting_review',
      urgency: 'routine',
      reasons: [],
      createdAt,
      referral,
      wave: 0,
      receipt: 'sent',
      coordinatorNoticeAt: createdAt,
      ...(due ? { sweepAt: createdAt } : {}),
      ...as(n),
    };
  });
  const db = documentClient(new DynamoDBClient({ endpoint: rt.dynamoEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS }));
  await rt.writeUndispatched(async () => {
    const chunks = Array.from({ length: Math.ceil(records.length / 25) }, (_, i) => records.slice(i * 25, i * 25 + 25));
    for (let i = 0; i < chunks.length; i += 8) {
      await Promise.all(
        chunks.slice(i, i + 8).map(async (chunk) => {
          let pending: unknown[] | undefined = chunk.map((r) => ({ PutRequest: { Item: caseItem({ ...r, ...listCopies(r) }) } }));
          while (pending?.length) {
            const out: { UnprocessedItems?: Record<string, unknown[]> } = await db.send(
              new BatchWriteCommand({ RequestItems: { [TABLES.main]: pending as never } }),
            );
            pending = out.UnprocessedItems?.[TABLES.main];
          }
        }),
      );
    }
  });
  return records.map((r) => r.referralId);
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await fn();
  return [out, performance.now() - t];
}

/** The median time of a staff list page over a few tries. */
async function pageTime(path: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const [response, ms] = await timed(() => staffCall(rt, 'GET', path));
    expect(response.status).toBe(200);
    expect(response.json.items).toHaveLength(50);
    times.push(ms);
  }
  return times.sort((a, b) => a - b)[2];
}

/** One sweeper run over `due` freshly seeded due cases; returns its time. */
async function sweepTime(due: number): Promise<number> {
  await seed(due, { due: true });
  const [report, ms] = await timed(() => call(rt, 'POST', '/_local/sweeper'));
  expect(report.json).toMatchObject({ checked: due, failed: 0, more: false });
  return ms;
}

describe('work that does not grow with the table', () => {
  it('serves a list page and a sweeper run in about the same time with 200 and with 2,000 open cases', async () => {
    // something real goes through the system too (and is scanned for PHI at the end)
    expect((await attorneyCall(rt, 'POST', '/api/referrals', validReferral())).status).toBe(201);
    await settle(rt);

    await seed(200);
    const small = {
      all: await pageTime('/api/staff/referrals'),
      status: await pageTime('/api/staff/referrals?status=awaiting_review&limit=50'),
      sweep: await sweepTime(20),
    };
    await seed(1_800);
    const large = {
      all: await pageTime('/api/staff/referrals'),
      status: await pageTime('/api/staff/referrals?status=awaiting_review&limit=50'),
      sweep: await sweepTime(20),
    };

    console.log(
      `list page (all) ${small.all.toFixed(0)} → ${large.all.toFixed(0)} ms; list page (status) ${small.status.toFixed(0)} → ${large.status.toFixed(0)} ms; sweeper run ${small.sweep.toFixed(0)} → ${large.sweep.toFixed(0)} ms (200 → 2,000 open cases)`,
    );
    // ten times the cases: a full read would take ~10× as long; a generous bound against a noisy machine
    for (const key of ['all', 'status', 'sweep'] as const) expect(large[key], key).toBeLessThan(small[key] * 4 + 250);
  }, 300_000);

  it('walks every case page by page, newest first, each once, and the last page has no cursor', async () => {
    const seen: string[] = [];
    const created: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await staffCall(rt, 'GET', `/api/staff/referrals?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(response.status).toBe(200);
      expect(response.json.items.length).toBeLessThanOrEqual(200);
      seen.push(...response.json.items.map((i: { referralId: string }) => i.referralId));
      created.push(...response.json.items.map((i: { createdAt: string }) => i.createdAt));
      cursor = response.json.nextCursor;
      pages++;
    } while (cursor);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(2_041);
    expect(pages).toBe(Math.ceil(2_041 / 200));
    expect(created).toEqual([...created].sort().reverse());
  }, 120_000);

  it('rejects a bad limit or a cursor from another list with 422 naming the parameter', async () => {
    for (const limit of ['0', '201', 'ten', '1.5']) {
      const response = await staffCall(rt, 'GET', `/api/staff/referrals?limit=${limit}`);
      expect(response.status, limit).toBe(422);
      expect(response.json.errors.map((e: { path: string }) => e.path)).toEqual(['limit']);
    }
    const first = await staffCall(rt, 'GET', '/api/staff/referrals?limit=2');
    const foreign = await staffCall(rt, 'GET', `/api/staff/referrals?status=assigned&cursor=${encodeURIComponent(first.json.nextCursor)}`);
    expect(foreign.status).toBe(422);
    expect(foreign.json.errors.map((e: { path: string }) => e.path)).toEqual(['cursor']);
    expect((await staffCall(rt, 'GET', '/api/staff/referrals?cursor=not-a-cursor')).status).toBe(422);
  });

  it('looks at no more than one batch of due cases per run and goes on with the rest in the next', async () => {
    await seed(SWEEP_BATCH + 30, { due: true });

    const first = (await call(rt, 'POST', '/_local/sweeper')).json;
    const second = (await call(rt, 'POST', '/_local/sweeper')).json;
    const third = (await call(rt, 'POST', '/_local/sweeper')).json;

    expect(first).toMatchObject({ checked: SWEEP_BATCH, failed: 0, more: true });
    expect(second).toMatchObject({ checked: 30, failed: 0, more: false });
    expect(third).toMatchObject({ checked: 0 });
  }, 120_000);

  it('drops the stream work still pending at a reset, sends nothing about the cases it emptied, and dispatches what comes after', async () => {
    await resetWith(rt, rosterDocument());
    const before = await Promise.all(
      Array.from({ length: 60 }, () => attorneyCall(rt, 'POST', '/api/referrals', validReferral({ client: { aNumber: freshANumber() } }))),
    );
    const oldIds = before.map((r) => r.json.referralId as string);
    expect(oldIds.every(Boolean)).toBe(true);
    expect((await call(rt, 'POST', '/_local/reset')).status).toBe(200); // no settle first: work is still pending
    const sentByReset = rt.history().email.length + rt.history().sms.length;
    await settle(rt);
    const { sms, email } = rt.history();
    expect(email.length + sms.length).toBe(sentByReset);

    await resetWith(rt, rosterDocument());
    const after = await attorneyCall(rt, 'POST', '/api/referrals', validReferral({ client: { aNumber: freshANumber() } }));
    await settle(rt);
    const box = (await call(rt, 'GET', '/_local/outbox')).json as { email: { to: string[]; subject: string; text: string }[] };
    const about = (id: string) => box.email.filter((m) => m.subject.includes(id) || m.text.includes(id));
    expect(about(after.json.referralId).length).toBeGreaterThanOrEqual(2); // the receipt, the coordinators' notice, the offers
    expect(oldIds.flatMap(about)).toEqual([]);
  }, 120_000);

  it('keeps the urgent case that has waited longest at the top of "needs a doctor now", however many newer cases arrive', async () => {
    await resetWith(rt, rosterDocument());
    const urgent = (status: 'paging' | 'held' | 'escalated' | 'assigned'): Partial<CaseRecord> => ({
      urgency: 'urgent',
      reasons: ['attorney_urgent'],
      status,
      ...(status === 'held' ? { holdReason: 'page_budget' } : status === 'assigned' ? { assignedDoctorId: 'd-ana' } : { wave: 1 }),
    });
    const [taken, oldest] = await seed(2, { as: (n) => urgent(n === 0 ? 'assigned' : 'paging') });
    const statuses = ['paging', 'held', 'escalated', 'assigned'] as const;
    const newer = await seed(200, { as: (n) => (n % 5 === 0 ? urgent(statuses[(n / 5) % 4]) : {}) });
    const newerOpen = newer.filter((_, n) => n % 5 === 0 && (n / 5) % 4 !== 3);

    const queue = await staffCall(rt, 'GET', '/api/staff/referrals?view=queue');
    expect(queue.json.items.map((i: { referralId: string }) => i.referralId)).not.toContain(oldest);

    const list = await staffCall(rt, 'GET', '/api/staff/referrals?view=urgent_open&limit=10');
    expect(list.status).toBe(200);
    expect(list.json.items[0]).toMatchObject({
      referralId: oldest,
      status: 'paging',
      urgency: 'urgent',
      wave: 1,
      facilityState: 'TX',
      specialty: 'general',
      attorneyOrganization: 'Texas Detention Defense',
    });
    expect(list.json.items[0]).not.toHaveProperty('referral');
    expect(list.json.items.map((i: { referralId: string }) => i.referralId)).toEqual([oldest, ...newerOpen.slice(0, 9)]);
    const rest = await staffCall(
      rt,
      'GET',
      `/api/staff/referrals?view=urgent_open&limit=200&cursor=${encodeURIComponent(list.json.nextCursor)}`,
    );
    expect(rest.json.items.map((i: { referralId: string }) => i.referralId)).toEqual(newerOpen.slice(9));
    expect(rest.json.nextCursor).toBeUndefined();
    expect([...list.json.items, ...rest.json.items].map((i: { referralId: string }) => i.referralId)).not.toContain(taken);

    const mixed = await staffCall(rt, 'GET', '/api/staff/referrals?view=urgent_open&status=paging');
    expect(mixed.status).toBe(422);
    expect(mixed.json.errors).toEqual([{ path: 'view', message: 'urgent_open takes no status or aNumber filter' }]);
  }, 120_000);
});
