import { describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { validReferral } from '../fixtures/referral.js';
import { call, useTestRuntime, attorneyCall } from '../support/runtime.js';
import {
  advance,
  caseOf,
  clockNow,
  COORDINATORS,
  emailTo,
  linkFor,
  numberedDoctor,
  offerEmail,
  offerSms,
  outbox,
  resetWith,
  schedules,
  sentSince,
  settle,
  shiftAround,
  smsTo,
  submitUrgent,
} from './helpers.js';

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

const ATTORNEY = validReferral().attorney;
const ATTORNEY_PHONE_E164 = '+15125550100';

/** `count` doctors, every one a primary on shift now. */
async function primaries(count: number) {
  const now = await clockNow(rt);
  const doctors = Array.from({ length: count }, (_, i) => numberedDoctor(i + 1));
  await resetWith(rt, { doctors, coordinators: COORDINATORS, shifts: doctors.map((d) => shiftAround(now, d.id)) });
  return doctors;
}

describe('the first accept wins', () => {
  it('gives the case to exactly one of 20 doctors accepting at once; the others get 409', async () => {
    const doctors = await primaries(21);
    const id = await submitUrgent(rt);
    const box = await outbox(rt);
    const links = doctors.slice(0, 20).map((d) => ({ doctor: d, ...linkFor(offerSms(box, d.phone, id).body) }));

    const answers = await Promise.all(links.map(({ offerId, token }) => call(rt, 'POST', `/api/offers/${offerId}/accept`, { token })));

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const winnerIndex = statuses.indexOf(200);
    expect(answers[winnerIndex].json).toEqual({ outcome: 'accepted', referralId: id });
    for (const loser of answers.filter((a) => a.status === 409))
      expect(loser.headers.get('content-type')).toContain('application/problem+json');
    const winner = links[winnerIndex];
    expect((await caseOf(rt, id))?.assignedDoctorId).toBe(winner.doctor.id);

    const repeat = await call(rt, 'POST', `/api/offers/${winner.offerId}/accept`, { token: winner.token });
    expect(repeat.status).toBe(200);
    expect(repeat.text).toBe(answers[winnerIndex].text);
  });

  it('after the accept: drops the wave schedules, tells every other paged doctor, introduces doctor and attorney once each', async () => {
    const doctors = await primaries(21);
    const id = await submitUrgent(rt);
    const box = await outbox(rt);
    expect(await schedules(rt)).toContain(`wave2-${id}`);
    const links = doctors.slice(0, 20).map((d) => linkFor(offerSms(box, d.phone, id).body));
    const answers = await Promise.all(links.map(({ offerId, token }) => call(rt, 'POST', `/api/offers/${offerId}/accept`, { token })));
    const winner = doctors[answers.findIndex((a) => a.status === 200)];

    await settle(rt);

    expect((await schedules(rt)).filter((n) => n.includes(id))).toEqual([]);
    const after = await sentSince(rt, box);
    for (const other of doctors.filter((d) => d.id !== winner.id)) {
      expect(
        smsTo(after, other.phone).map((m) => m.body),
        other.id,
      ).toEqual([expect.stringMatching(new RegExp(`${id}.*no action needed`, 'i'))]);
      expect(
        emailTo(after, other.email).map((m) => m.subject),
        other.id,
      ).toEqual([expect.stringMatching(/no longer needed/i)]);
    }
    expect(smsTo(after, winner.phone)).toEqual([]);

    const toDoctor = emailTo(after, winner.email);
    expect(toDoctor).toHaveLength(1);
    for (const fact of [id, ATTORNEY.name, ATTORNEY.email, ATTORNEY_PHONE_E164]) expect(toDoctor[0].text).toContain(fact);
    const toAttorney = emailTo(after, ATTORNEY.email).filter((m) => !m.text.includes('/outcome/'));
    expect(toAttorney).toHaveLength(1);
    for (const fact of [id, winner.name, winner.email, winner.phone]) expect(toAttorney[0].text).toContain(fact);
  });
});

describe('accepting a routine case', () => {
  it('tells the other doctors by email only, since their offers never went by SMS', async () => {
    const [ana, ben] = await primaries(2);
    const response = await attorneyCall(rt, 'POST', '/api/referrals', validReferral());
    const id = response.json.referralId as string;
    await settle(rt);
    const box = await outbox(rt);
    const { offerId, token } = linkFor(offerEmail(box, ana.email, id).text);

    expect((await call(rt, 'POST', `/api/offers/${offerId}/accept`, { token })).status).toBe(200);
    await settle(rt);

    const after = await sentSince(rt, box);
    expect(after.sms).toEqual([]);
    expect(emailTo(after, ben.email).map((m) => m.subject)).toEqual([expect.stringMatching(/no longer needed/i)]);
    expect(emailTo(after, ana.email)).toHaveLength(1);
    expect((await caseOf(rt, id))?.status).toBe('assigned');
  });
});

describe('offer endpoints', () => {
  async function twoPaged() {
    const [ana, ben] = await primaries(2);
    const id = await submitUrgent(rt);
    const box = await outbox(rt);
    return {
      id,
      ana: { doctor: ana, ...linkFor(offerSms(box, ana.phone, id).body), email: linkFor(offerEmail(box, ana.email, id).text) },
      ben: { doctor: ben, ...linkFor(offerSms(box, ben.phone, id).body) },
    };
  }

  it('answers 404 for an unknown offer', async () => {
    await twoPaged();
    const response = await call(rt, 'POST', '/api/offers/AAAAAAAAAAAAAAAA/accept', { token: 'A'.repeat(43) });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers 403 for a token of another offer or a made-up one, and changes nothing', async () => {
    const { id, ana, ben } = await twoPaged();

    expect((await call(rt, 'POST', `/api/offers/${ana.offerId}/accept`, { token: ben.token })).status).toBe(403);
    expect((await call(rt, 'POST', `/api/offers/${ana.offerId}/accept`, { token: 'A'.repeat(43) })).status).toBe(403);
    expect((await call(rt, 'POST', `/api/offers/${ana.offerId}`, { token: ben.token })).status).toBe(403);

    expect((await caseOf(rt, id))?.status).toBe('paging');
  });

  it('answers 410 to an accept with the token a decline used up', async () => {
    const { ana } = await twoPaged();
    expect((await call(rt, 'POST', `/api/offers/${ana.offerId}/decline`, { token: ana.token })).status).toBe(200);

    const accept = await call(rt, 'POST', `/api/offers/${ana.offerId}/accept`, { token: ana.token });

    expect(accept.status).toBe(410);
    expect(accept.headers.get('content-type')).toContain('application/problem+json');
  });

  it('shows the offer state: open, then accepted_by_you for the winner and taken for the other doctor', async () => {
    const { id, ana, ben } = await twoPaged();

    const open = await call(rt, 'POST', `/api/offers/${ana.offerId}`, { token: ana.token });
    expect(open.status).toBe(200);
    expect(open.json).toEqual({
      referralId: id,
      urgency: 'urgent',
      reasons: ['attorney_marked_urgent'],
      specialty: 'general',
      language: 'es',
      services: ['record_review'],
      deadline: null,
      state: 'open',
    });

    expect((await call(rt, 'POST', `/api/offers/${ana.offerId}/accept`, { token: ana.email.token })).status).toBe(200);
    await settle(rt);

    expect((await call(rt, 'POST', `/api/offers/${ana.offerId}`, { token: ana.token })).json.state).toBe('accepted_by_you');
    expect((await call(rt, 'POST', `/api/offers/${ben.offerId}`, { token: ben.token })).json.state).toBe('taken');
    const late = await call(rt, 'POST', `/api/offers/${ben.offerId}/accept`, { token: ben.token });
    expect(late.status).toBe(409);
  });

  it("answers 410 to a link a week old, except the winner's own", async () => {
    const { ana, ben } = await twoPaged();
    expect((await call(rt, 'POST', `/api/offers/${ana.offerId}/accept`, { token: ana.token })).status).toBe(200);
    await settle(rt);

    await advance(rt, 7 * 24 * 60);

    expect((await call(rt, 'POST', `/api/offers/${ben.offerId}`, { token: ben.token })).status).toBe(410);
    expect((await call(rt, 'POST', `/api/offers/${ben.offerId}/accept`, { token: ben.token })).status).toBe(410);
    const again = await call(rt, 'POST', `/api/offers/${ana.offerId}/accept`, { token: ana.token });
    expect(again.status).toBe(200);
    expect((await call(rt, 'POST', `/api/offers/${ana.offerId}`, { token: ana.token })).json.state).toBe('accepted_by_you');
  });

  it('serves the offer page as HTML without a referrer and changes nothing by it', async () => {
    const { id, ana } = await twoPaged();
    const before = await outbox(rt);

    const page = await call(rt, 'GET', `/offers/${ana.offerId}`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toMatch(/<html/i);
    await settle(rt);
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
    expect((await caseOf(rt, id))?.status).toBe('paging');
    const offer = await rt.deps.store.getOffer(id, ana.doctor.id);
    expect(offer?.state).toBe('open');
    expect((await call(rt, 'POST', `/api/offers/${ana.offerId}`, { token: ana.token })).json.state).toBe('open');
  });
});
