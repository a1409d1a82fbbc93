import { beforeEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { doctorEntry, type RosterDocument } from '../fixtures/roster.js';
import { call, useTestRuntime } from '../support/runtime.js';
import {
  advance,
  ANA,
  BEN,
  CARO,
  caseOf,
  clockNow,
  codeFor,
  COORDINATORS,
  DAN,
  EVE,
  linkFor,
  offerEmail,
  offerSms,
  outbox,
  pagedByEmail,
  pagedBySms,
  pastShift,
  quietHoursAwayFrom,
  quietHoursCovering,
  resetWith,
  schedules,
  sentSince,
  shiftAround,
  smsTo,
  submit,
  submitUrgent,
  textIn,
} from './helpers.js';

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

const GUS = doctorEntry({ id: 'd-gus', name: 'Dr. Gus Hale', email: 'gus@example.org', phone: '+15125550106', active: false });
const HAL = doctorEntry({ id: 'd-hal', name: 'Dr. Hal Ito', email: 'hal@example.org', phone: '+15125550107' });

/**
 * Ana and Ben are primaries on shift; Caro is the backup on shift (in her quiet hours: on call anyway);
 * Dan is off shift and awake; Eve is off shift and asleep; Gus is on a primary shift but inactive;
 * Hal's primary shift ended and he is asleep. Two coordinators.
 */
function fullRoster(now: Date): RosterDocument {
  return {
    doctors: [
      ANA,
      BEN,
      { ...CARO, ...quietHoursCovering(now) },
      { ...DAN, ...quietHoursAwayFrom(now, 'Asia/Kolkata') },
      { ...EVE, ...quietHoursCovering(now, 'America/Los_Angeles') },
      GUS,
      { ...HAL, ...quietHoursCovering(now) },
    ],
    coordinators: COORDINATORS,
    shifts: [
      shiftAround(now, 'd-ana'),
      shiftAround(now, 'd-ben'),
      shiftAround(now, 'd-caro', 'backup'),
      shiftAround(now, 'd-gus'),
      pastShift(now, 'd-hal'),
    ],
  };
}

const phones = (...doctors: { phone: string }[]) => doctors.map((d) => d.phone).sort();
const emails = (...doctors: { email: string }[]) => doctors.map((d) => d.email).sort();
const coordinatorPhones = COORDINATORS.map((c) => c.phone);

beforeEach(async () => {
  await resetWith(rt, fullRoster(await clockNow(rt)));
});

describe('urgent paging in waves', () => {
  it('pages the primaries on shift first, each once by SMS and once by email, with a reply code and the offer link', async () => {
    const id = await submitUrgent(rt);

    const box = await outbox(rt);
    expect(pagedBySms(box, id)).toEqual(phones(ANA, BEN));
    expect(pagedByEmail(box, id)).toEqual(emails(ANA, BEN));
    for (const doctor of [ANA, BEN]) {
      const sms = offerSms(box, doctor.phone, id);
      expect(sms.body).toMatch(/\bYES \d{4}\b/);
      expect(sms.body).toContain(`${rt.url}/offers/`);
      expect(linkFor(sms.body).token.length).toBeGreaterThanOrEqual(22); // ≥ 128 bits in base64url
      const mail = offerEmail(box, doctor.email, id);
      expect(mail.text).toMatch(new RegExp(`${rt.url}/offers/[A-Za-z0-9_-]+#token=[A-Za-z0-9_-]{22,}`));
      expect(linkFor(mail.text).offerId).toBe(linkFor(sms.body).offerId);
    }
    expect(await schedules(rt)).toContain(`wave2-${id}`);
    expect((await caseOf(rt, id))?.status).toBe('paging');
  });

  it('leaves a primary at capacity out of wave 1', async () => {
    const now = await clockNow(rt);
    await resetWith(rt, {
      doctors: [{ ...ANA, maxOpenCases: 1 }, BEN],
      coordinators: COORDINATORS,
      shifts: [shiftAround(now, 'd-ana'), shiftAround(now, 'd-ben')],
    });
    const first = await submitUrgent(rt);
    const { offerId, token } = linkFor(offerSms(await outbox(rt), ANA.phone, first).body);
    expect((await call(rt, 'POST', `/api/offers/${offerId}/accept`, { token })).status).toBe(200);
    await call(rt, 'POST', '/_local/settle');

    const second = await submitUrgent(rt);

    expect(pagedBySms(await outbox(rt), second)).toEqual(phones(BEN));
  });

  it('pages only doctors of the requested specialty', async () => {
    const now = await clockNow(rt);
    await resetWith(rt, {
      doctors: [{ ...ANA, specialties: ['general', 'obstetrics'] }, BEN, { ...CARO, specialties: ['obstetrics'] }],
      coordinators: COORDINATORS,
      shifts: [shiftAround(now, 'd-ana'), shiftAround(now, 'd-ben'), shiftAround(now, 'd-caro', 'backup')],
    });

    const id = await submitUrgent(rt, { request: { specialty: 'obstetrics' } });
    expect(pagedBySms(await outbox(rt), id)).toEqual(phones(ANA));
    await advance(rt, 15);

    expect(pagedBySms(await outbox(rt), id)).toEqual(phones(ANA, CARO));
    expect(offerSms(await outbox(rt), CARO.phone, id).body).toContain('obstetrics');
  });

  it('wakes no coordinator by SMS before the final wave (an email notice is fine)', async () => {
    const id = await submitUrgent(rt);
    await advance(rt, 15);

    const box = await outbox(rt);
    expect(box.sms.filter((m) => coordinatorPhones.includes(m.to))).toEqual([]);
    expect(box.email.filter((m) => m.to.includes(COORDINATORS[0].email) && m.text.includes(id)).length).toBeGreaterThan(0);
  });

  it('pages backups and every other available awake doctor in wave 2, fifteen minutes later', async () => {
    const id = await submitUrgent(rt);
    const before = await outbox(rt);

    const { fired } = await advance(rt, 15);

    expect(fired.map((f) => f.name)).toEqual([`wave2-${id}`]);
    const wave2 = await sentSince(rt, before);
    expect(pagedBySms(wave2, id)).toEqual(phones(CARO, DAN));
    expect(pagedByEmail(wave2, id)).toEqual(emails(CARO, DAN));
    expect(wave2.sms.filter((m) => [ANA.phone, BEN.phone].includes(m.to))).toEqual([]);
    expect(await schedules(rt)).toEqual([`wave3-${id}`]);
    expect((await caseOf(rt, id))?.status).toBe('paging');
  });

  it('escalates to every coordinator by SMS and email in the final wave, and a doctor can still accept after it', async () => {
    const id = await submitUrgent(rt);
    const danLink = async () => linkFor(offerSms(await outbox(rt), DAN.phone, id).body);
    await advance(rt, 15);
    const before = await outbox(rt);

    const { fired } = await advance(rt, 15);

    expect(fired.map((f) => f.name)).toEqual([`wave3-${id}`]);
    const final = await sentSince(rt, before);
    for (const c of COORDINATORS) {
      expect(smsTo(final, c.phone).filter((m) => m.body.includes(id))).toHaveLength(1);
      expect(final.email.filter((m) => m.to.includes(c.email) && m.text.includes(id))).toHaveLength(1);
    }
    expect(pagedBySms(final, id)).toEqual([]);
    expect((await caseOf(rt, id))?.status).toBe('escalated');
    expect(await schedules(rt)).toEqual([]);

    const { offerId, token } = await danLink();
    const accepted = await call(rt, 'POST', `/api/offers/${offerId}/accept`, { token });
    expect(accepted.status).toBe(200);
    expect(accepted.json).toEqual({ outcome: 'accepted', referralId: id });
    expect((await caseOf(rt, id))?.status).toBe('assigned');
  });

  it('starts wave 2 at once when no primary is on shift', async () => {
    const now = await clockNow(rt);
    await resetWith(rt, {
      doctors: [ANA, CARO, DAN],
      coordinators: COORDINATORS,
      shifts: [pastShift(now, 'd-ana'), shiftAround(now, 'd-caro', 'backup')],
    });

    const id = await submitUrgent(rt);

    const box = await outbox(rt);
    expect(pagedBySms(box, id)).toEqual(phones(ANA, CARO, DAN));
    const record = await caseOf(rt, id);
    expect(record?.wave).toBe(2);
    expect(record?.status).toBe('paging');
    expect(await schedules(rt)).toEqual([`wave3-${id}`]);
  });

  it('starts wave 2 at once when every doctor of wave 1 declined (by SMS and on the offer page), and drops its schedule', async () => {
    const id = await submitUrgent(rt);
    const box = await outbox(rt);

    const replies = await textIn(rt, ANA.phone, `NO ${codeFor(offerSms(box, ANA.phone, id).body)}`);
    expect(replies).toEqual([{ to: ANA.phone, body: expect.stringContaining(`declined case ${id}`) }]);
    expect(pagedBySms(await outbox(rt), id)).toEqual(phones(ANA, BEN));
    expect(await schedules(rt)).toContain(`wave2-${id}`);

    const { offerId, token } = linkFor(offerEmail(box, BEN.email, id).text);
    const declined = await call(rt, 'POST', `/api/offers/${offerId}/decline`, { token, reason: 'in clinic all day' });
    expect(declined.status).toBe(200);
    expect(declined.json).toEqual({ outcome: 'declined' });
    await call(rt, 'POST', '/_local/settle');

    const wave2 = await sentSince(rt, box);
    expect(pagedBySms(wave2, id)).toEqual(phones(CARO, DAN));
    expect(pagedByEmail(wave2, id)).toEqual(emails(CARO, DAN));
    expect(await schedules(rt)).toEqual([`wave3-${id}`]);
    expect((await caseOf(rt, id))?.wave).toBe(2);
  });

  it('escalates at once when every doctor of wave 2 declined too', async () => {
    const id = await submitUrgent(rt);
    await advance(rt, 15);
    const box = await outbox(rt);
    await textIn(rt, CARO.phone, `NO ${codeFor(offerSms(box, CARO.phone, id).body)}`);
    const before = await outbox(rt);

    await textIn(rt, DAN.phone, `no ${codeFor(offerSms(box, DAN.phone, id).body)}`);

    expect((await caseOf(rt, id))?.status).toBe('escalated');
    const final = await sentSince(rt, before);
    for (const c of COORDINATORS) expect(smsTo(final, c.phone).filter((m) => m.body.includes(id))).toHaveLength(1);
    expect(await schedules(rt)).toEqual([]);
  });

  it('does nothing when a wave fires after a doctor accepted (stale wave)', async () => {
    const id = await submitUrgent(rt);
    const { offerId, token } = linkFor(offerSms(await outbox(rt), ANA.phone, id).body);
    expect((await call(rt, 'POST', `/api/offers/${offerId}/accept`, { token })).status).toBe(200);
    await call(rt, 'POST', '/_local/settle');
    expect(await schedules(rt)).toEqual([]);
    // the schedule deletion raced the schedule firing: wave 2 arrives anyway
    await rt.deps.scheduler.create(`wave2-${id}`, new Date((await clockNow(rt)).getTime() + 60_000), {
      kind: 'wave',
      referralId: id,
      wave: 2,
    });
    const before = await outbox(rt);

    const { fired } = await advance(rt, 2);

    expect(fired.map((f) => f.name)).toEqual([`wave2-${id}`]);
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
    const record = await caseOf(rt, id);
    expect(record).toMatchObject({ status: 'assigned', assignedDoctorId: 'd-ana', wave: 1 });
    expect(await schedules(rt)).toEqual([]);
  });
});

describe('routine referrals', () => {
  it('emails the offer to available doctors outside their quiet hours only, sends no SMS, and tells the coordinators by email', async () => {
    const id = await submit(rt);

    const box = await outbox(rt);
    // Ana and Ben have no quiet hours, Dan's are hours away; Caro, Eve and Hal are asleep; Gus is inactive
    expect(pagedByEmail(box, id)).toEqual(emails(ANA, BEN, DAN));
    expect(box.sms).toEqual([]);
    expect((await caseOf(rt, id))?.status).toBe('awaiting_review');
    const notice = box.email.filter((m) => m.text.includes(id) && !m.text.includes('/offers/') && !m.text.includes('/outcome/'));
    expect(notice).toHaveLength(1);
    expect(notice[0].to.sort()).toEqual(COORDINATORS.map((c) => c.email).sort());
    expect(await schedules(rt)).toEqual([]);
  });
});
