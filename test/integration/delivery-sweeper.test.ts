import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { LocalRuntime } from '../../local/runtime.js';
import type { RosterDocument } from '../fixtures/roster.js';
import { call, useTestRuntime } from '../support/runtime.js';
import {
  advance,
  ANA,
  BEN,
  CARO,
  clockNow,
  COORDINATORS,
  deliveryEvent,
  emailTo,
  linkFor,
  offerEmail,
  outbox,
  type Outbox,
  pagedByEmail,
  pagedBySms,
  putRoster,
  resetWith,
  schedules,
  sentSince,
  sesBounce,
  shiftAround,
  smsFailure,
  submitUrgent,
} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'medreview-roster-'));
let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

/** Ana and Ben primaries on shift, Caro the backup. */
async function roster(overrides: Partial<RosterDocument> = {}): Promise<RosterDocument> {
  const now = await clockNow(rt);
  return {
    doctors: [ANA, BEN, CARO],
    coordinators: COORDINATORS,
    shifts: [shiftAround(now, 'd-ana'), shiftAround(now, 'd-ben'), shiftAround(now, 'd-caro', 'backup')],
    ...overrides,
  };
}

beforeEach(async () => {
  await resetWith(rt, await roster());
});

const coordinatorMail = (box: Outbox, about: string) =>
  COORDINATORS.map((c) => emailTo(box, c.email).filter((m) => m.text.includes(about)).length);

describe('delivery events', () => {
  it.each([
    ['a permanent SES bounce', sesBounce('Ana@Example.org')],
    [
      'an SES complaint',
      { notificationType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: ANA.email }], complaintFeedbackType: 'abuse' } },
    ],
  ])("marks a paged doctor's email unusable on %s, tells the coordinators, and pages by SMS only from then on", async (_, event) => {
    await submitUrgent(rt);
    const before = await outbox(rt);

    await deliveryEvent(rt, event);

    expect(coordinatorMail(await sentSince(rt, before), ANA.name)).toEqual([1, 1]);
    const next = await submitUrgent(rt);
    const box = await outbox(rt);
    expect(pagedBySms(box, next)).toEqual([ANA.phone, BEN.phone]);
    expect(pagedByEmail(box, next)).toEqual([BEN.email]);
  });

  it('ignores a transient bounce', async () => {
    await submitUrgent(rt);
    const before = await outbox(rt);

    await deliveryEvent(rt, {
      ...sesBounce(ANA.email),
      bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: ANA.email }] },
    });

    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
    const next = await submitUrgent(rt);
    expect(pagedByEmail(await outbox(rt), next)).toEqual([ANA.email, BEN.email]);
  });

  it('stops SMS to a number after an SMS opt-out event', async () => {
    await deliveryEvent(rt, smsFailure(ANA.phone, 'TEXT_BLOCKED', 'OPTED_OUT'));

    const id = await submitUrgent(rt);

    expect(pagedBySms(await outbox(rt), id)).toEqual([BEN.phone]);
  });

  it.each([
    ['an SMS failure', smsFailure(ANA.phone)],
    ['an SMS opt-out', smsFailure(ANA.phone, 'TEXT_BLOCKED', 'OPTED_OUT')],
  ])('falls back to email for an open offer whose email was skipped, on %s', async (_, event) => {
    // Ana's old address bounced, so her offer went by SMS only; then the admin fixed her address
    await putRoster(rt, await roster({ doctors: [{ ...ANA, email: 'ana.old@example.org' }, BEN, CARO] }));
    await deliveryEvent(rt, sesBounce('ana.old@example.org'));
    const id = await submitUrgent(rt);
    expect(pagedByEmail(await outbox(rt), id)).toEqual([BEN.email]);
    await putRoster(rt, await roster());
    const before = await outbox(rt);

    await deliveryEvent(rt, event);

    const after = await sentSince(rt, before);
    const mail = offerEmail(after, ANA.email, id);
    const { offerId, token } = linkFor(mail.text);
    expect((await call(rt, 'POST', `/api/offers/${offerId}`, { token })).json.state).toBe('open');
    expect(coordinatorMail(after, ANA.name)).toEqual([1, 1]);
    expect(after.sms).toEqual([]);
  });

  it('sends no more email to a coordinator whose address bounced', async () => {
    await deliveryEvent(rt, sesBounce(COORDINATORS[1].email));
    const before = await outbox(rt);

    const id = await submitUrgent(rt);
    await advance(rt, 30);

    const after = await sentSince(rt, before);
    expect(emailTo(after, COORDINATORS[0].email).filter((m) => m.text.includes(id)).length).toBeGreaterThan(0);
    expect(emailTo(after, COORDINATORS[1].email)).toEqual([]);
  });
});

describe('the sweeper', () => {
  it('runs an overdue wave whose schedule was lost, once', async () => {
    const id = await submitUrgent(rt);
    await rt.deps.scheduler.delete(`wave2-${id}`);
    const before = await outbox(rt);
    expect((await advance(rt, 20)).fired).toEqual([]);
    expect(pagedBySms(await sentSince(rt, before), id)).toEqual([]);

    const first = await call(rt, 'POST', '/_local/sweeper');

    expect(first.status).toBe(200);
    expect(first.json).toEqual({ checked: 1, dispatched: 0, waves: 1, deliveries: 0, failed: 0, more: false });
    const repaired = await sentSince(rt, before);
    expect(pagedBySms(repaired, id)).toEqual([CARO.phone]);
    expect(pagedByEmail(repaired, id)).toEqual([CARO.email]);
    expect(await schedules(rt)).toEqual([`wave3-${id}`]);

    const mark = await outbox(rt);
    const second = await call(rt, 'POST', '/_local/sweeper');

    expect(second.json).toEqual({ checked: 0, dispatched: 0, waves: 0, deliveries: 0, failed: 0, more: false });
    expect(await sentSince(rt, mark)).toEqual({ sms: [], email: [] });
  });

  it('sends an offer channel whose send never completed, once', async () => {
    const id = await submitUrgent(rt);
    const offer = (await rt.deps.store.getOffer(id, 'd-ana'))!;
    // the email send failed: the channel went back to pending for the sweeper
    expect(await rt.deps.store.markChannel(offer, 'email', 'sent', 'pending')).toBe(true);
    await advance(rt, 5);
    const before = await outbox(rt);

    const first = await call(rt, 'POST', '/_local/sweeper');

    const resent = await sentSince(rt, before);
    expect(resent.sms).toEqual([]);
    const { offerId, token } = linkFor(offerEmail(resent, ANA.email, id).text);
    expect((await call(rt, 'POST', `/api/offers/${offerId}`, { token })).json.state).toBe('open');
    const mark = await outbox(rt);
    expect((await call(rt, 'POST', '/_local/sweeper')).json).toEqual({
      checked: 0,
      dispatched: 0,
      waves: 0,
      deliveries: 0,
      failed: 0,
      more: false,
    });
    expect(await sentSince(rt, mark)).toEqual({ sms: [], email: [] });
    // one message was repaired, so the report (and the SweeperRepairs metric) should say one
    expect
      .soft(first.json, 'sweeper report counts the repaired sends')
      .toEqual({ checked: 1, dispatched: 0, waves: 0, deliveries: 1, failed: 0, more: false });
  });

  it('leaves a case on time alone', async () => {
    const id = await submitUrgent(rt);
    const before = await outbox(rt);

    const report = await call(rt, 'POST', '/_local/sweeper');

    expect(report.json).toEqual({ checked: 0, dispatched: 0, waves: 0, deliveries: 0, failed: 0, more: false });
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
    expect(await schedules(rt)).toEqual([`wave2-${id}`]);
  });
});

describe('admin CLI', () => {
  /** Runs the CLI against the runtime's DynamoDB Local; returns the exit code and what it printed. */
  async function cli(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      ['roster', ...args, '--endpoint', rt.dynamoEndpoint, '--table', 'medreview'],
      (l) => out.push(String(l)),
      (l) => err.push(String(l)),
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  }
  function file(name: string, document: unknown): string {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(document));
    return path;
  }

  it('rejects a bad roster with exit code 2, lists every error, and changes nothing', async () => {
    const stored = await rt.deps.store.roster();
    const bad = await roster({
      doctors: [
        { ...ANA, phone: 'not a phone' },
        { ...BEN, email: 'nope' },
        { ...CARO, id: 'd-ana' },
      ],
      shifts: [
        { doctorId: 'd-nobody', role: 'primary', start: '2026-12-01T08:00:00-06:00', end: '2026-12-02T08:00:00-06:00' },
        { doctorId: 'd-ben', role: 'primary', start: '2026-12-02T08:00:00-06:00', end: '2026-12-01T08:00:00-06:00' },
      ],
    });

    const result = await cli('import', file('bad.json', bad));

    expect(result.code).toBe(2);
    for (const path of ['doctors.0.phone', 'doctors.1.email', 'doctors.2.id', 'shifts.0.doctorId', 'shifts.1.end'])
      expect(result.err).toContain(path);
    expect(await rt.deps.store.roster()).toEqual(stored);
  });

  it('imports a good roster with exit code 0', async () => {
    const now = await clockNow(rt);
    const good = { doctors: [ANA, BEN], coordinators: [COORDINATORS[0]], shifts: [shiftAround(now, 'd-ben')] };

    const result = await cli('import', file('good.json', good));

    expect(result.code).toBe(0);
    expect(result.out).toContain('imported 2 doctors, 1 coordinators, 1 shifts');
    const stored = await rt.deps.store.roster();
    expect(stored.doctors.map((d) => d.id).sort()).toEqual(['d-ana', 'd-ben']);
    expect(stored.shifts.map((s) => s.doctorId)).toEqual(['d-ben']);
  });

  it('stores a shift written across a DST change as the right UTC instants', async () => {
    const doc = await roster({
      shifts: [
        { doctorId: 'd-ana', role: 'primary', start: '2027-03-13T20:00:00-06:00', end: '2027-03-14T08:00:00-05:00' },
        { doctorId: 'd-ben', role: 'primary', start: '2026-10-31T20:00:00-05:00', end: '2026-11-01T08:00:00-06:00' },
      ],
    });

    expect((await cli('import', file('dst.json', doc))).code).toBe(0);

    const shifts = (await rt.deps.store.roster()).shifts.map(({ doctorId, start, end }) => ({ doctorId, start, end }));
    expect(shifts).toEqual(
      expect.arrayContaining([
        { doctorId: 'd-ana', start: '2027-03-14T02:00:00.000Z', end: '2027-03-14T13:00:00.000Z' },
        { doctorId: 'd-ben', start: '2026-11-01T01:00:00.000Z', end: '2026-11-01T14:00:00.000Z' },
      ]),
    );
    expect(shifts).toHaveLength(2);
  });

  it('reports a coverage gap and a doctor unreachable on both channels with exit code 1', async () => {
    const now = new Date();
    const inTwoDays = new Date(now.getTime() + 2 * 86_400_000).toISOString();
    await putRoster(rt, {
      doctors: [ANA, BEN],
      coordinators: COORDINATORS,
      shifts: [{ doctorId: 'd-ana', role: 'primary', start: new Date(now.getTime() - 3_600_000).toISOString(), end: inTwoDays }],
    });
    await deliveryEvent(rt, sesBounce(BEN.email));
    await deliveryEvent(rt, smsFailure(BEN.phone));

    const result = await cli('check', '--days', '7');

    expect(result.code).toBe(1);
    expect(result.out).toContain(`gap: no primary on shift for general from ${new Date(inTwoDays).toISOString()}`);
    expect(result.out).toMatch(/unreachable: doctor d-ben\b/);
    expect(result.out).not.toMatch(/unreachable: doctor d-ana\b/);
  });

  it('keeps the trusted list: submitters trust, list and untrust', async () => {
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(
        ['submitters', ...args, '--endpoint', rt.dynamoEndpoint, '--table', 'medreview'],
        (l) => out.push(String(l)),
        (l) => err.push(String(l)),
      );
      return { code, out: out.join('\n'), err: err.join('\n') };
    };

    expect(await run('trust', '@Firm.test')).toMatchObject({ code: 0, out: 'trusted: @firm.test' });
    expect(await run('trust', 'Lawyer@Other.test')).toMatchObject({ code: 0, out: 'trusted: lawyer@other.test' });
    const listed = await run('list');
    expect(listed.out).toMatch(/^@firm\.test\tadded .* by admin:/m);
    expect(listed.out).toMatch(/^lawyer@other\.test\t/m);
    expect(await rt.deps.store.onTrustedList('anyone@firm.test')).toBe(true);

    expect(await run('untrust', '@firm.test')).toMatchObject({ code: 0, out: 'no longer trusted: @firm.test' });
    expect(await rt.deps.store.onTrustedList('anyone@firm.test')).toBe(false);
    expect((await run('trust', 'not an address')).code).toBe(2);
    expect((await run('nonsense')).code).toBe(2);
  });

  it('reports nothing and exits 0 when a primary covers the window and everyone is reachable', async () => {
    const now = new Date();
    await putRoster(rt, {
      doctors: [ANA],
      coordinators: COORDINATORS,
      shifts: [
        {
          doctorId: 'd-ana',
          role: 'primary',
          start: new Date(now.getTime() - 3_600_000).toISOString(),
          end: new Date(now.getTime() + 3 * 86_400_000).toISOString(),
        },
      ],
    });
    await deliveryEvent(rt, sesBounce(ANA.email)); // one channel left: still reachable

    const result = await cli('check', '--days', '2');

    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^ok:/);
  });
});
