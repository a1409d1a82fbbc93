import { describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { call, useTestRuntime } from '../support/runtime.js';
import {
  ANA,
  BEN,
  CARO,
  COORDINATORS,
  advance,
  advanceTo,
  caseOf,
  chicagoDate,
  clockNow,
  codeFor,
  linkFor,
  nineAmChicago,
  offerSms,
  outbox,
  plusDays,
  resetWith,
  schedules,
  settle,
  shiftAround,
  staffCall,
  submitUrgent,
  textIn,
  type Outbox,
} from './helpers.js';

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

/** A client whose every identifying or clinical value is a string found nowhere else. */
const CLIENT = {
  givenName: 'Zenobiax',
  familyName: 'Quillfeatherton',
  aNumberRaw: 'a 8765-4321',
  aNumber9: '087654321',
  dateOfBirth: '1961-07-23',
  facilityName: 'Ossory Bluff Detention Annex',
  concern: 'Recurring vorpal chest tightness since intake, with snicker-snack pain at night.',
  medications: 'Bandersnatchol 40 mg twice daily',
  releaseCity: 'Tumtumville',
};

/** Every value that must never leave the system in a message, with the forms it might take. */
const SECRETS: [string, string][] = [
  ['given name', CLIENT.givenName],
  ['family name', CLIENT.familyName],
  ['A-number (9 digits)', CLIENT.aNumber9],
  ['A-number (digits as entered)', '87654321'],
  ['A-number (raw)', CLIENT.aNumberRaw],
  ['date of birth', CLIENT.dateOfBirth],
  ['date of birth (US)', '07/23/1961'],
  ['facility name', CLIENT.facilityName],
  ['facility name (distinctive word)', 'Ossory'],
  ['concern', CLIENT.concern],
  ['concern (distinctive word)', 'vorpal'],
  ['medications', CLIENT.medications],
  ['medications (distinctive word)', 'Bandersnatchol'],
  ['city of release', CLIENT.releaseCity],
];

/** Every text the outbox holds, each labelled with where it came from. */
function texts(box: Outbox): [string, string][] {
  return [
    ...box.sms.map((m, i): [string, string] => [`sms #${i} to ${m.to}`, m.body]),
    ...box.email.flatMap((m, i): [string, string][] => [
      [`email #${i} subject to ${m.to.join(',')}`, m.subject],
      [`email #${i} text to ${m.to.join(',')}`, m.text],
      [`email #${i} html to ${m.to.join(',')}`, m.html],
    ]),
  ];
}

describe('no PHI in any message or schedule name', () => {
  it('keeps the client out of every SMS, email and schedule name through a whole urgent case', async () => {
    // Prepare: three doctors in two waves, two coordinators
    const now = await clockNow(rt);
    await resetWith(rt, {
      doctors: [ANA, BEN, CARO],
      coordinators: COORDINATORS,
      shifts: [shiftAround(now, 'd-ana'), shiftAround(now, 'd-ben'), shiftAround(now, 'd-caro', 'backup')],
    });
    const scheduleNames = new Set<string>();
    const seeSchedules = async () => (await schedules(rt)).forEach((n) => scheduleNames.add(n));

    // Act: intake, three waves, escalation, accept by SMS, release with patient SMS, reminders, close
    const id = await submitUrgent(rt, {
      client: { givenName: CLIENT.givenName, familyName: CLIENT.familyName, aNumber: CLIENT.aNumberRaw, dateOfBirth: CLIENT.dateOfBirth },
      custody: { facilityName: CLIENT.facilityName },
      medical: { concern: CLIENT.concern, medications: CLIENT.medications, riskFactors: ['medication_interrupted'] },
    });
    expect((await caseOf(rt, id))?.referral.client.aNumber).toBe(CLIENT.aNumber9);
    await seeSchedules();
    (await advance(rt, 15)).fired.forEach((f) => scheduleNames.add(f.name));
    await seeSchedules();
    (await advance(rt, 15)).fired.forEach((f) => scheduleNames.add(f.name));
    expect((await caseOf(rt, id))?.status).toBe('escalated');

    const code = codeFor(offerSms(await outbox(rt), CARO.phone, id).body);
    expect((await textIn(rt, CARO.phone, `YES ${code}`))[0].body).toContain('accepted');
    await settle(rt);
    expect((await staffCall(rt, 'GET', `/api/staff/referrals/${id}`)).status).toBe(200);

    const releasedOn = chicagoDate(await clockNow(rt));
    const release = await staffCall(rt, 'POST', `/api/staff/referrals/${id}/release`, {
      releasedOn,
      state: 'TX',
      city: CLIENT.releaseCity,
      patientPhone: '(512) 555-0150',
      patientLanguage: 'es',
      smsConsent: true,
    });
    expect(release.status).toBe(200);
    await seeSchedules();
    const fired = (await advanceTo(rt, new Date(Date.parse(nineAmChicago(plusDays(releasedOn, 7))) + 60_000))).fired;
    fired.forEach((f) => scheduleNames.add(f.name));
    expect(fired).toHaveLength(3);
    expect((await staffCall(rt, 'POST', `/api/staff/referrals/${id}/close`, { outcome: 'care_established' })).status).toBe(200);
    await advance(rt, 31 * 24 * 60);
    await settle(rt);

    // Assess
    const box = await outbox(rt);
    expect(box.sms.some((m) => m.to === '+15125550150')).toBe(true);
    expect(box.sms.some((m) => m.to === COORDINATORS[0].phone)).toBe(true);
    expect(box.email.some((m) => m.to.includes('ana.perez@example.org') && m.text.includes(CARO.email))).toBe(true);
    const found: string[] = [];
    for (const [where, text] of [...texts(box), ...[...scheduleNames].map((n): [string, string] => [`schedule ${n}`, n])]) {
      for (const [what, value] of SECRETS) if (text.toLowerCase().includes(value.toLowerCase())) found.push(`${what} in ${where}`);
    }
    expect(found).toEqual([]);
    expect(scheduleNames.size).toBeGreaterThanOrEqual(6);
    for (const name of scheduleNames) expect(name).toMatch(new RegExp(`^(wave[23]|rem-[a-z0-9_]+)-${id}$`));
  });
});

describe('offer page data', () => {
  it('shows a doctor triage facts only, never the client', async () => {
    const now = await clockNow(rt);
    await resetWith(rt, { doctors: [ANA], coordinators: COORDINATORS, shifts: [shiftAround(now, 'd-ana')] });
    const id = await submitUrgent(rt, {
      client: { givenName: CLIENT.givenName, familyName: CLIENT.familyName, aNumber: CLIENT.aNumberRaw, dateOfBirth: CLIENT.dateOfBirth },
      custody: { facilityName: CLIENT.facilityName },
      medical: { concern: CLIENT.concern, medications: CLIENT.medications },
    });
    const { offerId, token } = linkFor(offerSms(await outbox(rt), ANA.phone, id).body);

    const view = await call(rt, 'POST', `/api/offers/${offerId}`, { token });

    expect(view.status).toBe(200);
    for (const [what, value] of SECRETS) expect(view.text.toLowerCase(), what).not.toContain(value.toLowerCase());
  });
});
