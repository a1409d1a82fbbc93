import { beforeEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { call, useTestRuntime } from '../support/runtime.js';
import {
  ANA,
  advance,
  advanceTo,
  COORDINATORS,
  chicagoDate,
  clockNow,
  nineAmChicago,
  outbox,
  plusDays,
  referralWithLink,
  releaseBody,
  resetWith,
  schedules,
  sentSince,
  shiftAround,
  smsTo,
  staffCall,
  submit,
  textIn,
} from './helpers.js';

/** Messages that anyone can trigger are bounded: each test is an attack that once sent more than it should. */

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

beforeEach(async () => {
  const now = await clockNow(rt);
  await resetWith(rt, { doctors: [ANA], coordinators: COORDINATORS, shifts: [shiftAround(now, 'd-ana')] });
});

const programToday = async () => chicagoDate(await clockNow(rt));

const report = (id: string, body: unknown) => call(rt, 'POST', `/api/referrals/${id}/outcome`, body);
const coordinatorMail = (box: Awaited<ReturnType<typeof outbox>>) =>
  box.email.filter((m) => COORDINATORS.some((c) => m.to.includes(c.email)));

describe('the outcome link records one outcome', () => {
  it('20 alternating outcomes: the first is told to the coordinators once, the same again is 200, a different one 409', async () => {
    const { id, token } = await referralWithLink(rt);
    const before = await outbox(rt);

    const answers: number[] = [];
    for (let i = 0; i < 20; i++) {
      answers.push((await report(id, { token, outcome: i % 2 ? 'transferred' : 'parole_denied' })).status);
    }

    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? 409 : 200)));
    expect(coordinatorMail(await sentSince(rt, before))).toHaveLength(1);
    expect((await staffCall(rt, 'GET', `/api/staff/referrals/${id}`)).json).toMatchObject({ attorneyOutcome: 'parole_denied' });
    const events = (await rt.deps.store.timeline(id)).filter((e) => e.event === 'outcome_reported');
    expect(events.map((e) => e.details)).toEqual([{ outcome: 'parole_denied' }]);
  });

  it('parole granted twice releases once and sends nothing the second time; then a denial is 409', async () => {
    const { id, token } = await referralWithLink(rt);
    const body = { token, outcome: 'parole_granted', release: releaseBody(await programToday()) };
    expect((await report(id, body)).json).toEqual({ status: 'released' });
    const before = await outbox(rt);
    const planned = await schedules(rt);

    const again = await report(id, { ...body, release: releaseBody(plusDays(await programToday(), -3)) });
    const denied = await report(id, { token, outcome: 'parole_denied' });

    expect(again.status).toBe(200);
    expect(again.json).toEqual({ status: 'released' });
    expect(denied.status).toBe(409);
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
    expect(await schedules(rt)).toEqual(planned);
    expect((await rt.deps.store.getCase(id))?.release?.releasedOn).toBe(await programToday());
  });
});

describe('an attorney-reported release is recent', () => {
  it('a releasedOn 15 days back is 422 at release.releasedOn: nothing recorded, nothing sent', async () => {
    const { id, token } = await referralWithLink(rt);
    const before = await outbox(rt);

    const old = await report(id, { token, outcome: 'parole_granted', release: releaseBody(plusDays(await programToday(), -15)) });

    expect(old.status).toBe(422);
    expect(old.json.errors.map((e: { path: string }) => e.path)).toEqual(['release.releasedOn']);
    expect(old.json.errors[0].message).toMatch(/14 days/);
    expect((await rt.deps.store.getCase(id))?.status).toBe('awaiting_review');
    expect((await schedules(rt)).filter((n) => n.includes(id))).toEqual([]);
    await rt.settle();
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
  });

  it('14 days back is accepted, and coordinators may still record an older release', async () => {
    const { id, token } = await referralWithLink(rt);
    const viaStaff = await submit(rt);
    const today = await programToday();

    expect((await report(id, { token, outcome: 'parole_granted', release: releaseBody(plusDays(today, -14)) })).status).toBe(200);
    expect((await staffCall(rt, 'POST', `/api/staff/referrals/${viaStaff}/release`, releaseBody(plusDays(today, -60)))).status).toBe(200);
  });
});

describe('a patient phone gets at most one SMS a day', () => {
  const PATIENT = '+15125550150';

  it('three outcome links naming the same phone with an overdue day-3 reminder text it once', async () => {
    const releasedOn = plusDays(await programToday(), -5);
    const cases = [await referralWithLink(rt), await referralWithLink(rt), await referralWithLink(rt)];
    for (const { id, token } of cases) {
      expect((await report(id, { token, outcome: 'parole_granted', release: releaseBody(releasedOn) })).status).toBe(200);
    }
    const before = await outbox(rt);

    const { fired } = await advance(rt, 3);

    expect(fired.filter((f) => f.name.startsWith('rem-day3_patient-'))).toHaveLength(3);
    expect(smsTo(await sentSince(rt, before), PATIENT)).toHaveLength(1);
    const skipped = await Promise.all(
      cases.map(async ({ id }) => (await rt.deps.store.timeline(id)).filter((e) => e.event === 'reminder_skipped').map((e) => e.details)),
    );
    expect(skipped.flat()).toEqual([
      { step: 'day3_patient', reason: 'daily_limit' },
      { step: 'day3_patient', reason: 'daily_limit' },
    ]);
  });
});

describe('a release recorded twice at once', () => {
  it('10 racing pairs (consent yes and no): each case stores one release and one plan built from it', async () => {
    const today = await programToday();
    const ids = await Promise.all(Array.from({ length: 10 }, () => submit(rt)));

    const answers = await Promise.all(
      ids.map((id) =>
        Promise.all([
          staffCall(rt, 'POST', `/api/staff/referrals/${id}/release`, releaseBody(today, { smsConsent: true })),
          staffCall(rt, 'POST', `/api/staff/referrals/${id}/release`, releaseBody(plusDays(today, -1), { smsConsent: false })),
        ]),
      ),
    );

    const names = await schedules(rt);
    for (const [i, id] of ids.entries()) {
      const [a, b] = answers[i];
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.json).toEqual(b.json);
      const stored = (await rt.deps.store.getCase(id))!.release!;
      expect((await rt.deps.store.timeline(id)).filter((e) => e.event === 'released')).toHaveLength(1);
      const planned = (await rt.deps.store.reminders(id)).map((r) => r.step).sort();
      expect(planned.includes('day3_patient'), `case ${i}: consent ${stored.smsConsent}, plan ${planned}`).toBe(stored.smsConsent);
      expect(a.json.reminders.map((r: { step: string }) => r.step).sort()).toEqual(planned);
      expect(names.filter((n) => n.endsWith(id)).sort()).toEqual(planned.map((s) => `rem-${s}-${id}`).sort());
      const day7 = (await rt.deps.store.reminders(id)).find((r) => r.step === 'day7_coordinator')?.dueAt;
      expect(day7).toBe(nineAmChicago(plusDays(stored.releasedOn, 7))); // built from the stored date
    }
  });
});

describe('SMS from a number not on the roster', () => {
  const STRANGER = '+15125550166';

  it('gets at most one answer a day, whatever it sends; the next day one more', async () => {
    const before = await outbox(rt);

    const answered = [];
    for (const text of ['HELP', 'hello?', 'YES 1234', 'YES', 'NO 1234', 'HELP']) answered.push(...(await textIn(rt, STRANGER, text)));
    await advanceTo(rt, new Date(Date.parse(nineAmChicago(plusDays(await programToday(), 1)))));
    answered.push(...(await textIn(rt, STRANGER, 'HELP')), ...(await textIn(rt, STRANGER, 'HELP')));

    expect(answered).toHaveLength(2);
    expect(smsTo(await sentSince(rt, before), STRANGER)).toHaveLength(2);
  });

  it('a STOP opts the number out and notifies nobody', async () => {
    await textIn(rt, STRANGER, 'hi');
    const before = await outbox(rt);

    for (let i = 0; i < 5; i++) await textIn(rt, STRANGER, 'STOP');

    await rt.settle();
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
    expect(await rt.deps.store.isUnusable(`sms:${STRANGER}`)).toBe(true);
  });

  it('a doctor on the roster still gets every answer, and the coordinators hear of their STOP', async () => {
    const before = await outbox(rt);

    for (let i = 0; i < 3; i++) expect(await textIn(rt, ANA.phone, 'HELP')).toHaveLength(1);
    await textIn(rt, ANA.phone, 'STOP');

    const news = await sentSince(rt, before);
    expect(smsTo(news, ANA.phone)).toHaveLength(4);
    expect(coordinatorMail(news).filter((m) => m.text.includes(ANA.name))).toHaveLength(1);
  });
});
