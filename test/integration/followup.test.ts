import { beforeEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { call, useTestRuntime } from '../support/runtime.js';
import {
  ANA,
  COORDINATORS,
  advance,
  advanceTo,
  caseOf,
  chicagoDate,
  clockNow,
  emailTo,
  linkFor,
  nineAmChicago,
  offerSms,
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
  staffToken,
  submit,
  submitUrgent,
  textIn,
} from './helpers.js';

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

const PATIENT_PHONE = '+15125550150';

beforeEach(async () => {
  const now = await clockNow(rt);
  await resetWith(rt, { doctors: [ANA], coordinators: COORDINATORS, shifts: [shiftAround(now, 'd-ana')] });
});

/** Today in the program's time zone, by the app's clock. */
const programToday = async () => chicagoDate(await clockNow(rt));

/** The default plan for a release on `releasedOn`, worked out here: each step at 09:00 Chicago time. */
function expectedPlan(releasedOn: string, withPatient = true) {
  return [
    { step: 'day1_coordinator', dueAt: nineAmChicago(plusDays(releasedOn, 1)), audience: 'coordinator' },
    ...(withPatient ? [{ step: 'day3_patient', dueAt: nineAmChicago(plusDays(releasedOn, 3)), audience: 'patient' }] : []),
    { step: 'day7_coordinator', dueAt: nineAmChicago(plusDays(releasedOn, 7)), audience: 'coordinator' },
    { step: 'day30_coordinator', dueAt: nineAmChicago(plusDays(releasedOn, 30)), audience: 'coordinator' },
  ];
}

const release = (id: string, body: unknown) => staffCall(rt, 'POST', `/api/staff/referrals/${id}/release`, body);
const remindersOf = async (id: string) => (await schedules(rt)).filter((n) => n.startsWith('rem-') && n.endsWith(id)).sort();

/** The second Sunday of March: the day Chicago moves to daylight time. */
function springForward(year: number): string {
  const first = new Date(Date.UTC(year, 2, 1)).getUTCDay();
  return `${year}-03-${String(1 + ((7 - first) % 7) + 7).padStart(2, '0')}`;
}

describe('recording a release', () => {
  it('answers 200 with the four reminders at 09:00 Chicago time, each an rem-<step>-<id> schedule', async () => {
    const id = await submit(rt);
    const releasedOn = await programToday();

    const response = await release(id, releaseBody(releasedOn));

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'released', reminders: expectedPlan(releasedOn) });
    expect(await remindersOf(id)).toEqual(
      ['day1_coordinator', 'day30_coordinator', 'day3_patient', 'day7_coordinator'].map((s) => `rem-${s}-${id}`).sort(),
    );
    expect((await caseOf(rt, id))?.status).toBe('released');
  });

  it('keeps 09:00 local time across the spring DST change (15:00Z before, 14:00Z after)', async () => {
    const now = await clockNow(rt);
    let dst = springForward(now.getUTCFullYear());
    if (plusDays(dst, -4) <= chicagoDate(now)) dst = springForward(now.getUTCFullYear() + 1);
    await advanceTo(rt, new Date(`${plusDays(dst, -4)}T18:00:00Z`));
    const id = await submit(rt);
    const releasedOn = plusDays(dst, -2); // a Friday: day 1 is Saturday (CST), day 3 is Monday (CDT)

    const response = await release(id, releaseBody(releasedOn));

    expect(response.status).toBe(200);
    const due = Object.fromEntries(response.json.reminders.map((r: { step: string; dueAt: string }) => [r.step, r.dueAt]));
    expect(due).toEqual({
      day1_coordinator: `${plusDays(dst, -1)}T15:00:00.000Z`,
      day3_patient: `${plusDays(dst, 1)}T14:00:00.000Z`,
      day7_coordinator: `${plusDays(dst, 5)}T14:00:00.000Z`,
      day30_coordinator: `${plusDays(dst, 28)}T14:00:00.000Z`,
    });
  });

  it('keeps the first reminders and adds no schedule when the release is recorded twice', async () => {
    const id = await submit(rt);
    const releasedOn = await programToday();
    const first = await release(id, releaseBody(releasedOn));

    const second = await release(id, releaseBody(plusDays(releasedOn, 1), { smsConsent: false }));

    expect(second.status).toBe(200);
    expect(second.json).toEqual(first.json);
    expect(await remindersOf(id)).toHaveLength(4);
    expect((await schedules(rt)).filter((n) => n.includes(id))).toHaveLength(4);
  });

  it.each([
    ['without SMS consent', { smsConsent: false }],
    ['without a patient phone', { patientPhone: undefined }],
  ])('plans no patient reminder %s', async (_, overrides) => {
    const id = await submit(rt);
    const releasedOn = await programToday();

    const response = await release(id, releaseBody(releasedOn, overrides));

    expect(response.json.reminders).toEqual(expectedPlan(releasedOn, false));
    expect(await remindersOf(id)).not.toContain(`rem-day3_patient-${id}`);
    expect(await remindersOf(id)).toHaveLength(3);
  });

  it('drops the pending paging waves of an urgent case released before anyone accepted', async () => {
    const id = await submitUrgent(rt);
    expect(await schedules(rt)).toContain(`wave2-${id}`);

    await release(id, releaseBody(await programToday()));

    expect((await schedules(rt)).filter((n) => n.startsWith('wave'))).toEqual([]);
  });
});

describe('reminders falling due', () => {
  it('tells every coordinator by SMS and email what to check, then texts the patient in Spanish', async () => {
    const id = await submit(rt);
    const releasedOn = await programToday();
    await release(id, releaseBody(releasedOn));
    const before = await outbox(rt);

    const day1 = await advanceTo(rt, new Date(Date.parse(nineAmChicago(plusDays(releasedOn, 1))) + 60_000));

    expect(day1.fired.map((f) => f.name)).toEqual([`rem-day1_coordinator-${id}`]);
    const coordinatorNews = await sentSince(rt, before);
    for (const c of COORDINATORS) {
      expect(smsTo(coordinatorNews, c.phone).map((m) => m.body)).toEqual([expect.stringMatching(new RegExp(`${id}.*check`))]);
      expect(emailTo(coordinatorNews, c.email).filter((m) => m.text.includes(id) && /check/.test(m.text))).toHaveLength(1);
    }
    expect(smsTo(coordinatorNews, PATIENT_PHONE)).toEqual([]);

    const mark = await outbox(rt);
    const day3 = await advanceTo(rt, new Date(Date.parse(nineAmChicago(plusDays(releasedOn, 3))) + 60_000));

    expect(day3.fired.map((f) => f.name)).toEqual([`rem-day3_patient-${id}`]);
    const patientNews = await sentSince(rt, mark);
    expect(patientNews.sms).toEqual([{ to: PATIENT_PHONE, body: expect.stringMatching(/^Hola/), at: expect.any(String) }]);
    expect(patientNews.email).toEqual([]);
  });

  it('texts a Haitian Creole speaker in English and tells the coordinators about the fallback', async () => {
    const id = await submit(rt);
    const releasedOn = await programToday();
    await release(id, releaseBody(releasedOn, { patientLanguage: 'ht' }));
    await advanceTo(rt, new Date(Date.parse(nineAmChicago(plusDays(releasedOn, 2))) + 60_000));
    const before = await outbox(rt);

    await advanceTo(rt, new Date(Date.parse(nineAmChicago(plusDays(releasedOn, 3))) + 60_000));

    const news = await sentSince(rt, before);
    expect(smsTo(news, PATIENT_PHONE).map((m) => m.body)).toEqual([expect.stringMatching(/^Hello/)]);
    const fallback = news.email.filter((m) => m.text.includes(id) && m.text.includes('English'));
    expect(fallback).toHaveLength(1);
    expect(fallback[0].to.sort()).toEqual(COORDINATORS.map((c) => c.email).sort());
  });

  it('closing answers {status: closed}, deletes the remaining schedules, and later reminders send nothing', async () => {
    const id = await submit(rt);
    const releasedOn = await programToday();
    await release(id, releaseBody(releasedOn));
    await advanceTo(rt, new Date(Date.parse(nineAmChicago(plusDays(releasedOn, 1))) + 60_000));

    const closed = await staffCall(rt, 'POST', `/api/staff/referrals/${id}/close`, { outcome: 'care_established' });

    expect(closed.status).toBe(200);
    expect(closed.json).toEqual({ status: 'closed' });
    expect((await schedules(rt)).filter((n) => n.includes(id))).toEqual([]);
    const before = await outbox(rt);
    await advance(rt, 31 * 24 * 60);
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
    expect((await caseOf(rt, id))?.status).toBe('closed');
  });

  it('sends no patient reminder to a number that replied STOP', async () => {
    const id = await submit(rt);
    const releasedOn = await programToday();
    await release(id, releaseBody(releasedOn));
    await textIn(rt, PATIENT_PHONE, 'STOP');
    const before = await outbox(rt);

    const { fired } = await advanceTo(rt, new Date(Date.parse(nineAmChicago(plusDays(releasedOn, 3))) + 60_000));

    expect(fired.map((f) => f.name)).toContain(`rem-day3_patient-${id}`);
    expect(smsTo(await sentSince(rt, before), PATIENT_PHONE)).toEqual([]);
  });

  it('closing an urgent case still paging deletes its waves and closes its offers', async () => {
    const id = await submitUrgent(rt);
    const { offerId, token } = linkFor(offerSms(await outbox(rt), ANA.phone, id).body);

    const closed = await staffCall(rt, 'POST', `/api/staff/referrals/${id}/close`, { outcome: 'transferred' });

    expect(closed.json).toEqual({ status: 'closed' });
    expect((await schedules(rt)).filter((n) => n.includes(id))).toEqual([]);
    expect((await call(rt, 'POST', `/api/offers/${offerId}`, { token })).json.state).toBe('closed');
    expect((await call(rt, 'POST', `/api/offers/${offerId}/accept`, { token })).status).toBe(410);
    expect((await caseOf(rt, id))?.status).toBe('closed');
  });

  it('sends nothing for a reminder whose schedule fires after the case was closed', async () => {
    const id = await submit(rt);
    const releasedOn = await programToday();
    await release(id, releaseBody(releasedOn));
    await staffCall(rt, 'POST', `/api/staff/referrals/${id}/close`, { outcome: 'withdrawn' });
    // the deletion raced the schedule: it fires anyway
    await rt.deps.scheduler.create(`rem-day1_coordinator-${id}`, new Date(nineAmChicago(plusDays(releasedOn, 1))), {
      kind: 'reminder',
      referralId: id,
      step: 'day1_coordinator',
    });
    const before = await outbox(rt);

    const { fired } = await advanceTo(rt, new Date(Date.parse(nineAmChicago(plusDays(releasedOn, 1))) + 60_000));

    expect(fired.map((f) => f.name)).toEqual([`rem-day1_coordinator-${id}`]);
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
  });
});

describe('staff API', () => {
  it('answers 401 without a token or with a forged one, and 403 for a token without the coordinators group', async () => {
    const id = await submit(rt);
    const volunteer = await staffToken(rt, 'volunteers');
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/staff/referrals'],
      ['GET', `/api/staff/referrals/${id}`],
      ['POST', `/api/staff/referrals/${id}/release`, releaseBody(await programToday())],
      ['POST', `/api/staff/referrals/${id}/close`, { outcome: 'withdrawn' }],
    ];
    const token = await staffToken(rt);
    const forged = `${token.slice(0, -4)}AAAA`;

    for (const [method, path, body] of routes) {
      expect((await call(rt, method, path, body)).status, `${method} ${path} without token`).toBe(401);
      expect((await call(rt, method, path, body, { authorization: `Bearer ${forged}` })).status, `${method} ${path} forged`).toBe(401);
      const forbidden = await call(rt, method, path, body, { authorization: `Bearer ${volunteer}` });
      expect(forbidden.status, `${method} ${path} volunteers`).toBe(403);
      expect(forbidden.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await caseOf(rt, id))?.status).toBe('awaiting_review');
  });

  it('lists cases by status, newest first', async () => {
    const first = await submit(rt);
    await advance(rt, 1);
    const urgent = await submitUrgent(rt);
    await advance(rt, 1);
    const third = await submit(rt);

    const review = await staffCall(rt, 'GET', '/api/staff/referrals?status=awaiting_review');
    const queue = await staffCall(rt, 'GET', '/api/staff/referrals?status=awaiting_review&view=queue');
    const all = await staffCall(rt, 'GET', '/api/staff/referrals');

    expect(review.status).toBe(200);
    expect(review.json.items.map((i: { referralId: string }) => i.referralId)).toEqual([third, first]);
    expect(review.json.items[0]).toEqual({
      referralId: third,
      status: 'awaiting_review',
      urgency: 'routine',
      createdAt: expect.any(String),
    });
    expect(queue.json.items[0]).toEqual({
      referralId: third,
      status: 'awaiting_review',
      urgency: 'routine',
      createdAt: expect.any(String),
      reasons: [],
      wave: 0,
      facilityState: 'TX',
      specialty: 'general',
      attorneyOrganization: 'Texas Detention Defense',
    });
    expect(all.json.items.map((i: { referralId: string }) => i.referralId)).toEqual([third, urgent, first]);
    const paging = await staffCall(rt, 'GET', '/api/staff/referrals?status=paging');
    expect(paging.json.items.map((i: { referralId: string }) => i.referralId)).toEqual([urgent]);
  });

  it('gives the full case with its offers and timeline, and records every read on the timeline', async () => {
    const id = await submitUrgent(rt, { client: { aNumber: 'A123456789' } });

    const first = await staffCall(rt, 'GET', `/api/staff/referrals/${id}`);
    const second = await staffCall(rt, 'GET', `/api/staff/referrals/${id}`);

    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      referralId: id,
      status: 'paging',
      urgency: 'urgent',
      referral: { client: { aNumber: '123456789' } },
    });
    expect(first.json.offers).toEqual([expect.objectContaining({ doctorId: 'd-ana', state: 'open', wave: 1 })]);
    expect(JSON.stringify(first.json)).not.toMatch(/tokenHash|outcomeToken|aNumberHash/);
    const events = (r: typeof first) => r.json.timeline.map((e: { event: string }) => e.event);
    expect(events(first)).toEqual(expect.arrayContaining(['received', 'wave_started', 'viewed']));
    expect(events(second).filter((e: string) => e === 'viewed')).toHaveLength(2);
    const viewed = second.json.timeline.filter((e: { event: string }) => e.event === 'viewed');
    for (const v of viewed) expect(v).toEqual({ at: expect.any(String), event: 'viewed', actor: expect.stringMatching(/^staff:/) });
  });

  it('answers 404 for an unknown referral', async () => {
    expect((await staffCall(rt, 'GET', '/api/staff/referrals/MR-00000000')).status).toBe(404);
    expect((await staffCall(rt, 'POST', '/api/staff/referrals/MR-00000000/release', releaseBody(await programToday()))).status).toBe(404);
  });
});

describe('the attorney outcome link', () => {
  const report = (id: string, body: unknown) => call(rt, 'POST', `/api/referrals/${id}/outcome`, body);

  it('records parole with release and plans the same reminders as the staff endpoint', async () => {
    const viaStaff = await submit(rt);
    const { id, token } = await referralWithLink(rt);
    const releasedOn = await programToday();
    const staff = await release(viaStaff, releaseBody(releasedOn));

    const response = await report(id, { token, outcome: 'parole_granted', release: releaseBody(releasedOn) });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'released' });
    const planned = (await rt.deps.store.reminders(id)).map(({ step, dueAt, audience }) => ({ step, dueAt, audience }));
    expect(planned).toHaveLength(staff.json.reminders.length);
    expect(planned).toEqual(expect.arrayContaining(staff.json.reminders));
    expect(await remindersOf(id)).toEqual((await remindersOf(viaStaff)).map((n) => n.replace(viaStaff, id)));
    expect((await caseOf(rt, id))?.status).toBe('released');
  });

  it('answers 403 for a wrong token and for the token of another referral', async () => {
    const a = await referralWithLink(rt);
    const b = await referralWithLink(rt);

    expect((await report(a.id, { token: 'A'.repeat(43), outcome: 'parole_denied' })).status).toBe(403);
    expect((await report(a.id, { token: b.token, outcome: 'parole_denied' })).status).toBe(403);
    const granted = await report(a.id, { token: b.token, outcome: 'parole_granted', release: releaseBody(await programToday()) });
    expect(granted.status).toBe(403);
    expect((await caseOf(rt, a.id))?.status).toBe('awaiting_review');
  });

  it('answers 410 once the link is older than 90 days', async () => {
    const { id, token } = await referralWithLink(rt);
    await advance(rt, 91 * 24 * 60);

    const response = await report(id, { token, outcome: 'parole_denied' });

    expect(response.status).toBe(410);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('records a denial and emails the coordinators', async () => {
    const { id, token } = await referralWithLink(rt);
    const before = await outbox(rt);

    const response = await report(id, { token, outcome: 'parole_denied' });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'awaiting_review' });
    const told = (await sentSince(rt, before)).email.filter((m) => m.text.includes(id));
    expect(told).toHaveLength(1);
    expect(told[0].to.sort()).toEqual(COORDINATORS.map((c) => c.email).sort());
    expect(told[0].text).toMatch(/parole denied/);
    expect(await remindersOf(id)).toEqual([]);
  });

  it('serves the outcome page as HTML and changes nothing by it', async () => {
    const { id } = await referralWithLink(rt);
    const before = await outbox(rt);

    const page = await call(rt, 'GET', `/outcome/${id}`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
    expect((await caseOf(rt, id))?.status).toBe('awaiting_review');
  });
});
