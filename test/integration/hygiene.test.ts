import { request } from 'node:http';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { validReferral } from '../fixtures/referral.js';
import { call, useTestRuntime, attorneyCall } from '../support/runtime.js';
import {
  ANA,
  COORDINATORS,
  caseOf,
  chicagoDate,
  clockNow,
  emailTo,
  linkFor,
  offerSms,
  outbox,
  outcomeTokenFor,
  resetWith,
  schedules,
  sentSince,
  shiftAround,
  staffCall,
  submit,
  submitUrgent,
} from './helpers.js';

/** Attacks on the local hooks, the patient phone and free text: each is refused and changes nothing. */

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

const ATTORNEY_EMAIL = validReferral().attorney.email;

beforeEach(async () => {
  const now = await clockNow(rt);
  await resetWith(rt, { doctors: [ANA], coordinators: COORDINATORS, shifts: [shiftAround(now, 'd-ana')] });
});

/** A raw HTTP request, so that `Host` can be forged (fetch always sends the real one). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(rt.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('local hooks refuse what a web page or a rebinding DNS name could send', () => {
  const caseCount = async () => (await staffCall(rt, 'GET', '/api/staff/referrals')).json.items.length;

  it('a cross-origin POST to /_local/reset is 403 and empties nothing', async () => {
    await submit(rt);
    const response = await call(rt, 'POST', '/_local/reset', undefined, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.json).toMatchObject({ status: 403, title: 'Forbidden' });
    expect(await caseCount()).toBe(1);
    // `Origin: null` (a sandboxed frame, a file:// page) is not the server's origin either
    expect((await call(rt, 'POST', '/_local/reset', undefined, { origin: 'null' })).status).toBe(403);
    expect(await caseCount()).toBe(1);
  });

  it('a cross-origin read of /_local/token is 403 and carries no token', async () => {
    const response = await call(rt, 'GET', '/_local/token?group=coordinators', undefined, { origin: 'http://localhost:8080' });
    expect(response.status).toBe(403);
    expect(response.text).not.toMatch(/eyJ/);
  });

  it('a forged Host (DNS rebinding) is 403 on every hook, even without an Origin', async () => {
    const { port } = new URL(rt.url);
    await submit(rt);
    const before = await outbox(rt);
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1:1', `127.0.0.2:${port}`]) {
      const reset = await raw('POST', '/_local/reset', { host });
      expect(reset.status, host).toBe(403);
      expect((await raw('GET', '/_local/token?group=coordinators', { host })).status, host).toBe(403);
      const inbound = await raw(
        'POST',
        '/_local/sms/inbound',
        { host, 'content-type': 'application/json' },
        JSON.stringify({ from: ANA.phone, body: 'HELP' }),
      );
      expect(inbound.status, host).toBe(403);
    }
    expect(await caseCount()).toBe(1);
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
  });

  it('a body that is not application/json is 415 and does nothing (a text/plain post needs no preflight)', async () => {
    const before = await clockNow(rt);
    const sent = await outbox(rt);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const advance = await call(rt, 'POST', '/_local/clock/advance', '{"minutes":600}', { 'content-type': type });
      expect(advance.status, type).toBe(415);
      expect(advance.json).toMatchObject({ status: 415 });
    }
    const inbound = await raw(
      'POST',
      '/_local/sms/inbound',
      { host: new URL(rt.url).host },
      JSON.stringify({ from: ANA.phone, body: 'HELP' }),
    );
    expect(inbound.status).toBe(415); // no content type at all
    expect((await clockNow(rt)).getTime() - before.getTime()).toBeLessThan(60_000);
    expect(await sentSince(rt, sent)).toEqual({ sms: [], email: [] });
  });

  it('still serves this machine: no body, localhost, the own origin, JSON with a charset', async () => {
    const { port } = new URL(rt.url);
    await submit(rt);
    expect((await raw('POST', '/_local/settle', { host: `localhost:${port}` })).status).toBe(200);
    expect((await call(rt, 'GET', '/_local/outbox', undefined, { origin: rt.url })).status).toBe(200);
    const advance = await call(
      rt,
      'POST',
      '/_local/clock/advance',
      { minutes: 1 },
      {
        'content-type': 'application/json; charset=utf-8',
        origin: `http://localhost:${port}`,
      },
    );
    expect(advance.status).toBe(200);
    expect(await caseCount()).toBe(1);
    const reset = await raw('POST', '/_local/reset', { host: `127.0.0.1:${port}` }); // a script's bare POST
    expect(reset.status).toBe(200);
    expect(await caseCount()).toBe(0);
  });

  it('malformed JSON to a hook is 400, not a crash', async () => {
    const response = await call(rt, 'POST', '/_local/clock/advance', '{"minutes":', { 'content-type': 'application/json' });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ status: 400 });
  });
});

describe('patient phones must be US numbers that can take an SMS', () => {
  const releaseBody = (releasedOn: string, patientPhone: string) => ({
    releasedOn,
    state: 'TX',
    city: 'Austin',
    patientPhone,
    patientLanguage: 'es',
    smsConsent: true,
  });
  const refused = [
    ['+44 909 879 0879', 'premium-rate, abroad'],
    ['+1 900 555 0100', 'US premium-rate'],
    ['(800) 555-0100', 'US toll-free'],
    ['+1 888 555 1212', 'US toll-free'],
    ['+1 876 555 0100', 'Jamaica (+1, another country)'],
    ['+52 55 1234 5678', 'Mexico'],
    ['+447700900123', 'not a valid number'],
  ];

  it.each(refused)('the staff release refuses %s (%s) with 422 at patientPhone and changes nothing', async (phone) => {
    const id = await submit(rt);
    const before = await outbox(rt);
    const response = await staffCall(rt, 'POST', `/api/staff/referrals/${id}/release`, releaseBody(chicagoDate(await clockNow(rt)), phone));
    expect(response.status).toBe(422);
    expect(response.json.errors).toEqual([{ path: 'patientPhone', message: expect.stringMatching(/^must be a US mobile number/) }]);
    expect(response.text).not.toContain(phone);
    expect((await caseOf(rt, id))?.status).not.toBe('released');
    expect((await schedules(rt)).filter((n) => n.startsWith('rem-'))).toEqual([]);
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
  });

  it("the attorney outcome link's release refuses the premium-rate number the same way", async () => {
    const id = await submit(rt);
    const receipt = emailTo(await outbox(rt), ATTORNEY_EMAIL).find((m) => m.text.includes(`/outcome/${id}#token=`));
    const token = outcomeTokenFor(receipt!.text, id);
    const releasedOn = chicagoDate(await clockNow(rt));
    const before = await outbox(rt);

    const response = await call(rt, 'POST', `/api/referrals/${id}/outcome`, {
      token,
      outcome: 'parole_granted',
      release: releaseBody(releasedOn, '+44 909 879 0879'),
    });
    expect(response.status).toBe(422);
    expect(response.json.errors.map((e: { path: string }) => e.path)).toEqual(['release.patientPhone']);
    expect((await caseOf(rt, id))?.status).not.toBe('released');
    expect(await schedules(rt)).not.toContainEqual(expect.stringMatching(/^rem-/));
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });

    // the same link with a US mobile number is recorded, in E.164
    const ok = await call(rt, 'POST', `/api/referrals/${id}/outcome`, {
      token,
      outcome: 'parole_granted',
      release: releaseBody(releasedOn, '(512) 555-0150'),
    });
    expect(ok.status).toBe(200);
    expect((await caseOf(rt, id))?.release?.patientPhone).toBe('+15125550150');
  });
});

describe('free text refuses control characters other than newline and tab', () => {
  const CONTROLS = ['\u0000', '\u0007', '\u001b[31m', '\u000b', '\u000c', '\r', '\u007f', '\u0085'];

  it.each([
    ['attorney.name', (c: string) => ({ attorney: { name: `Ana${c} Pérez` } })],
    ['attorney.organization', (c: string) => ({ attorney: { organization: `Defense${c}` } })],
    ['client.givenName', (c: string) => ({ client: { givenName: `Ma${c}ría` } })],
    ['custody.facilityName', (c: string) => ({ custody: { facilityName: `Center ${c}` } })],
    ['medical.concern', (c: string) => ({ medical: { concern: `Headaches for weeks${c}, no visit yet.` } })],
    ['medical.medications', (c: string) => ({ medical: { medications: `${c}none` } })],
  ])('a referral with one in %s is 422 at that field and creates nothing', async (path, body) => {
    const before = await outbox(rt);
    for (const c of CONTROLS) {
      const response = await attorneyCall(rt, 'POST', '/api/referrals', validReferral(body(c) as never));
      expect(response.status, JSON.stringify(c)).toBe(422);
      expect(response.json.errors).toEqual([{ path, message: expect.stringMatching(/control characters/) }]);
    }
    expect((await staffCall(rt, 'GET', '/api/staff/referrals')).json.items).toEqual([]);
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
  });

  it('keeps newlines and tabs', async () => {
    const concern = 'Headaches for weeks.\n\tNo visit yet.\nSecond line.';
    const response = await attorneyCall(rt, 'POST', '/api/referrals', validReferral({ medical: { concern } }));
    expect(response.status).toBe(201);
    expect((await caseOf(rt, response.json.referralId))?.referral.medical.concern).toBe(concern);
  });

  it('a release city with a control character is 422 and records nothing', async () => {
    const id = await submit(rt);
    const response = await staffCall(rt, 'POST', `/api/staff/referrals/${id}/release`, {
      releasedOn: chicagoDate(await clockNow(rt)),
      state: 'TX',
      city: 'Austin\u0000',
      patientLanguage: 'es',
      smsConsent: false,
    });
    expect(response.status).toBe(422);
    expect(response.json.errors.map((e: { path: string }) => e.path)).toEqual(['city']);
    expect((await caseOf(rt, id))?.status).not.toBe('released');
  });

  it("a doctor's decline reason with a control character is 422 and the offer stays open", async () => {
    const id = await submitUrgent(rt);
    const { offerId, token } = linkFor(offerSms(await outbox(rt), ANA.phone, id).body);
    const before = await outbox(rt);
    const declined = await call(rt, 'POST', `/api/offers/${offerId}/decline`, { token, reason: 'busy\u0007' });
    expect(declined.status).toBe(422);
    expect(declined.json.errors.map((e: { path: string }) => e.path)).toEqual(['reason']);
    expect(await sentSince(rt, before)).toEqual({ sms: [], email: [] });
    const accepted = await call(rt, 'POST', `/api/offers/${offerId}/accept`, { token });
    expect(accepted.status).toBe(200);
  });
});
