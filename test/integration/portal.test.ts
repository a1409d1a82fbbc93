import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { validReferral } from '../fixtures/referral.js';
import { attorneyCall, attorneyToken, call, FIXTURE_ATTORNEY, useTestRuntime } from '../support/runtime.js';
import {
  caseOf,
  clockNow,
  COORDINATORS,
  linkFor,
  numberedDoctor,
  offerSms,
  outbox,
  resetWith,
  settle,
  shiftAround,
  staffCall,
  submit,
  submitUrgent,
} from './helpers.js';

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

/** An attorney whose domain nobody trusted: their urgent referral is held for a coordinator. */
const NEW_ATTORNEY = 'new.attorney@newfirm.example';
const DOCTOR = numberedDoctor(1);
const OTHER_DOCTOR = numberedDoctor(2);

/** A call signed in with the external pool as `email`. */
async function as(email: string, method: string, path: string, body?: unknown) {
  return attorneyCall(rt, method, path, body, { authorization: `Bearer ${await attorneyToken(rt, email)}` });
}

/** The first doctor accepts the case through the link of their offer SMS. */
async function accept(referralId: string): Promise<void> {
  const { offerId, token } = linkFor(offerSms(await outbox(rt), DOCTOR.phone, referralId).body);
  expect((await call(rt, 'POST', `/api/offers/${offerId}/accept`, { token })).status).toBe(200);
  await settle(rt);
}

let accepted = '';
let open = '';
let held = '';

beforeAll(async () => {
  const now = await clockNow(rt);
  await resetWith(rt, {
    doctors: [DOCTOR, OTHER_DOCTOR],
    coordinators: COORDINATORS,
    shifts: [shiftAround(now, DOCTOR.id), shiftAround(now, OTHER_DOCTOR.id)],
  });
  accepted = await submitUrgent(rt);
  await accept(accepted);
  open = await submitUrgent(rt);
  held = await submitUrgent(rt, { attorney: { email: NEW_ATTORNEY } });
});

describe("the attorney's referrals", () => {
  it('lists only their own referrals, newest first, with the public status and the doctor once one accepted', async () => {
    const mine = await as(FIXTURE_ATTORNEY, 'GET', '/api/attorney/referrals');
    expect(mine.status).toBe(200);
    expect(mine.json.items.map((i: { referralId: string }) => i.referralId)).toEqual([open, accepted]);
    expect(mine.json.items[1]).toEqual({
      referralId: accepted,
      createdAt: expect.any(String),
      urgency: 'urgent',
      status: 'assigned',
      doctor: { name: DOCTOR.name },
    });
    expect(mine.json.items[0]).not.toHaveProperty('doctor');
    expect(mine.json.nextCursor).toBeUndefined();

    const theirs = await as(NEW_ATTORNEY, 'GET', '/api/attorney/referrals');
    expect(theirs.json.items.map((i: { referralId: string }) => i.referralId)).toEqual([held]);
  });

  it('shows a held referral as awaiting_review, in the list and the referral, while coordinators see the hold', async () => {
    expect((await caseOf(rt, held))?.status).toBe('held');
    const list = await as(NEW_ATTORNEY, 'GET', '/api/attorney/referrals');
    expect(list.json.items[0].status).toBe('awaiting_review');
    const one = await as(NEW_ATTORNEY, 'GET', `/api/attorney/referrals/${held}`);
    expect(one.status).toBe(200);
    expect(one.json.status).toBe('awaiting_review');
    expect(one.text).not.toContain('held');
    expect(one.text).not.toContain('new_submitter');
  });

  it('pages with a cursor, and refuses a cursor of another list', async () => {
    const first = await as(FIXTURE_ATTORNEY, 'GET', '/api/attorney/referrals?limit=1');
    expect(first.json.items.map((i: { referralId: string }) => i.referralId)).toEqual([open]);
    const second = await as(FIXTURE_ATTORNEY, 'GET', `/api/attorney/referrals?limit=1&cursor=${first.json.nextCursor}`);
    expect(second.json.items.map((i: { referralId: string }) => i.referralId)).toEqual([accepted]);
    expect(second.json.nextCursor).toBeUndefined();
    const foreign = await as(NEW_ATTORNEY, 'GET', `/api/attorney/referrals?limit=1&cursor=${first.json.nextCursor}`);
    expect(foreign.status).toBe(422);
    expect(foreign.json.errors).toEqual([{ path: 'cursor', message: expect.any(String) }]);
    expect((await as(FIXTURE_ATTORNEY, 'GET', '/api/attorney/referrals?limit=0')).status).toBe(422);
  });

  it('opens a referral as submitted, with the doctor introduced and the public events only; the read is on the timeline', async () => {
    const one = await as(FIXTURE_ATTORNEY, 'GET', `/api/attorney/referrals/${accepted}`);
    expect(one.status).toBe(200);
    expect(one.json.referral.client.givenName).toBe(validReferral().client.givenName);
    expect(one.json.referral.attorney.email).toBe(FIXTURE_ATTORNEY);
    expect(one.json.doctor).toEqual({ name: DOCTOR.name, email: DOCTOR.email, phone: DOCTOR.phone });
    expect(one.json.events.map((e: { event: string }) => e.event)).toEqual(['received', 'doctor_assigned']);
    expect(one.json).not.toHaveProperty('attorney');
    expect(one.text).not.toContain(OTHER_DOCTOR.email);

    const notYet = await as(FIXTURE_ATTORNEY, 'GET', `/api/attorney/referrals/${open}`);
    expect(notYet.json).not.toHaveProperty('doctor');
    expect(notYet.json.status).toBe('paging');

    const timeline = (await staffCall(rt, 'GET', `/api/staff/referrals/${accepted}`)).json.timeline;
    expect(timeline).toContainEqual(expect.objectContaining({ event: 'viewed', actor: 'attorney' }));
  });

  it('answers 404 for another attorney, an unknown id, and on the doctor routes; 401 without a sign-in', async () => {
    for (const path of [
      `/api/attorney/referrals/${accepted}`,
      `/api/attorney/referrals/${held.replace(/.$/, held.endsWith('0') ? '1' : '0')}`,
    ]) {
      const other = await as(NEW_ATTORNEY, 'GET', path);
      expect(other.status).toBe(404);
      expect(other.headers.get('content-type')).toContain('application/problem+json');
    }
    // the attorney of a case is not its doctor
    expect((await as(FIXTURE_ATTORNEY, 'GET', `/api/doctor/cases/${accepted}`)).status).toBe(404);
    expect((await call(rt, 'GET', '/api/attorney/referrals')).status).toBe(401);
    const staffToken = (await call(rt, 'GET', '/_local/token?group=coordinators')).json.token;
    expect((await call(rt, 'GET', '/api/attorney/referrals', undefined, { authorization: `Bearer ${staffToken}` })).status).toBe(401);
  });
});

describe("the doctor's cases", () => {
  it('lists the cases this doctor accepted, and opens one with the full referral and the attorney to contact', async () => {
    const list = await as(DOCTOR.email, 'GET', '/api/doctor/cases');
    expect(list.status).toBe(200);
    expect(list.json.items).toEqual([
      { referralId: accepted, createdAt: expect.any(String), urgency: 'urgent', status: 'assigned', doctor: { name: DOCTOR.name } },
    ]);
    const one = await as(DOCTOR.email.toUpperCase(), 'GET', `/api/doctor/cases/${accepted}`);
    expect(one.status).toBe(200);
    const submitted = validReferral();
    expect(one.json.referral.client).toMatchObject({ givenName: submitted.client.givenName, aNumber: expect.stringMatching(/^70/) });
    expect(one.json.referral.medical.concern).toBe(submitted.medical.concern);
    expect(one.json.attorney).toEqual({
      name: submitted.attorney.name,
      organization: submitted.attorney.organization,
      email: FIXTURE_ATTORNEY,
      phone: '+15125550100',
    });
    const timeline = (await staffCall(rt, 'GET', `/api/staff/referrals/${accepted}`)).json.timeline;
    expect(timeline).toContainEqual(expect.objectContaining({ event: 'viewed', actor: `doctor:${DOCTOR.id}` }));
  });

  it('answers 404 for a case another doctor accepted, one still open, and an email that is not a roster doctor’s', async () => {
    expect((await as(OTHER_DOCTOR.email, 'GET', `/api/doctor/cases/${accepted}`)).status).toBe(404);
    expect((await as(OTHER_DOCTOR.email, 'GET', '/api/doctor/cases')).json.items).toEqual([]);
    expect((await as(DOCTOR.email, 'GET', `/api/doctor/cases/${open}`)).status).toBe(404);
    const stranger = await as('someone@else.example', 'GET', '/api/doctor/cases');
    expect(stranger.status).toBe(404);
    expect((await as('someone@else.example', 'GET', `/api/doctor/cases/${accepted}`)).status).toBe(404);
    // a doctor is not the attorney of the case they accepted
    expect((await as(DOCTOR.email, 'GET', `/api/attorney/referrals/${accepted}`)).status).toBe(404);
  });
});

describe("the attorney's outcome from their page", () => {
  it('records the outcome once for the case’s attorney; another attorney gets 404 and changes nothing', async () => {
    const id = await submit(rt);
    const stranger = await as(NEW_ATTORNEY, 'POST', `/api/attorney/referrals/${id}/outcome`, { outcome: 'parole_denied' });
    expect(stranger.status).toBe(404);
    expect((await caseOf(rt, id))?.attorneyOutcome).toBeUndefined();
    const token = await as(FIXTURE_ATTORNEY, 'POST', `/api/attorney/referrals/${id}/outcome`, { outcome: 'parole_denied', token: 'x' });
    expect(token.status).toBe(422);

    const first = await as(FIXTURE_ATTORNEY, 'POST', `/api/attorney/referrals/${id}/outcome`, { outcome: 'parole_denied' });
    expect(first.status).toBe(200);
    expect((await caseOf(rt, id))?.attorneyOutcome).toBe('parole_denied');
    expect((await as(FIXTURE_ATTORNEY, 'POST', `/api/attorney/referrals/${id}/outcome`, { outcome: 'parole_denied' })).status).toBe(200);
    expect((await as(FIXTURE_ATTORNEY, 'POST', `/api/attorney/referrals/${id}/outcome`, { outcome: 'removed' })).status).toBe(409);
    const granted = await as(FIXTURE_ATTORNEY, 'POST', `/api/attorney/referrals/${id}/outcome`, { outcome: 'parole_granted' });
    expect(granted.status).toBe(422);
    expect(granted.json.errors).toEqual([{ path: 'release', message: expect.any(String) }]);

    const events = (await as(FIXTURE_ATTORNEY, 'GET', `/api/attorney/referrals/${id}`)).json.events;
    expect(events).toContainEqual({ at: expect.any(String), event: 'outcome', outcome: 'parole_denied' });
    expect((await call(rt, 'POST', `/api/attorney/referrals/${id}/outcome`, { outcome: 'parole_denied' })).status).toBe(401);
  });
});

describe('documents on the pages', () => {
  it("lists a case's documents with the case, and says when they go once the case is closed", async () => {
    const uploaded = await as(FIXTURE_ATTORNEY, 'POST', `/api/cases/${accepted}/documents`, {
      kind: 'medical_record',
      fileName: 'records.pdf',
      contentType: 'application/pdf',
      size: 1000,
    });
    expect(uploaded.status).toBe(201);
    const before = await as(DOCTOR.email, 'GET', `/api/doctor/cases/${accepted}`);
    expect(before.json.documents).toEqual([
      expect.objectContaining({ documentId: uploaded.json.documentId, kind: 'medical_record', status: 'scanning', uploadedBy: 'attorney' }),
    ]);
    expect(before.json.documentRetentionDays).toBe(30);
    expect(before.json).not.toHaveProperty('documentsDeletedAfter');

    expect((await staffCall(rt, 'POST', `/api/staff/referrals/${accepted}/close`, { outcome: 'parole_denied' })).status).toBe(200);
    const after = await as(FIXTURE_ATTORNEY, 'GET', `/api/attorney/referrals/${accepted}`);
    expect(after.json.status).toBe('closed');
    expect(Date.parse(after.json.documentsDeletedAfter) - Date.parse(after.json.closedAt)).toBe(30 * 86_400_000);
    expect(after.json.events.at(-1)).toEqual({ at: after.json.closedAt, event: 'outcome', outcome: 'parole_denied' });
  });
});
