import { beforeEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { freshANumber, validReferral, type ReferralOverrides } from '../fixtures/referral.js';
import { call, useTestRuntime, attorneyCall } from '../support/runtime.js';
import {
  advance,
  ANA,
  caseOf,
  clockNow,
  COORDINATORS,
  emailTo,
  FIXTURE_DOMAIN,
  outbox,
  pagedByEmail,
  pagedBySms,
  resetWith,
  sentSince,
  settle,
  shiftAround,
  smsTo,
  staffCall,
  trust,
  type Outbox,
} from './helpers.js';

/** Trust and budgets as an attacker and a busy attorney meet them: verification, the daily limit, duplicates, approve. */

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));

const STRANGER = 'someone@unknown-firm.test';
const coordinatorEmails = COORDINATORS.map((c) => c.email);

beforeEach(async () => {
  const now = await clockNow(rt);
  await resetWith(rt, { doctors: [ANA], coordinators: COORDINATORS, shifts: [shiftAround(now, ANA.id)] }, { trusted: false });
});

/** A referral from `email` about a new person (or the A-number given), not yet dispatched. */
async function post(email: string, overrides: ReferralOverrides = {}, headers: Record<string, string> = {}) {
  const body = validReferral({
    ...overrides,
    attorney: { email, ...overrides.attorney },
    client: { aNumber: freshANumber(), ...overrides.client },
  });
  return attorneyCall(rt, 'POST', '/api/referrals', body, headers);
}

const urgent = { medical: { attorneyUrgency: 'urgent' as const } };

async function submitFrom(email: string, overrides: ReferralOverrides = {}) {
  const response = await post(email, overrides);
  expect(response.status, response.text).toBe(201);
  await settle(rt);
  return response.json as { referralId: string; status: string; urgency: string; reasons: string[] };
}

/** The `#token=` of the verification link in the one email the address got. */
function verificationToken(box: Outbox, email: string): string {
  const mails = emailTo(box, email);
  expect(mails).toHaveLength(1);
  const match = /\/verify#token=([A-Za-z0-9_-]+)/.exec(mails[0].text);
  expect(match, mails[0].text).not.toBeNull();
  return match![1];
}

const verify = (token: unknown) => call(rt, 'POST', '/api/submitters/verify', { token });

describe('an address that is not trusted', () => {
  it('50 urgent referrals at once page nobody and get exactly one email: the verification', async () => {
    const before = await outbox(rt);

    const responses = await Promise.all(Array.from({ length: 50 }, () => post(STRANGER, urgent)));
    await settle(rt);

    for (const r of responses) {
      expect(r.status).toBe(201);
      expect(r.json).toEqual({
        referralId: expect.any(String),
        status: 'awaiting_verification',
        urgency: 'urgent',
        reasons: ['attorney_marked_urgent'],
      });
    }
    const sent = await sentSince(rt, before);
    expect(sent.sms).toEqual([]);
    const toStranger = emailTo(sent, STRANGER);
    expect(toStranger).toHaveLength(1);
    expect(toStranger[0].text).toMatch(new RegExp(`^.*${rt.url.replace(/[.:/]/g, '\\$&')}/verify#token=[A-Za-z0-9_-]{22,}`, 'm'));
    expect(toStranger[0].text).not.toMatch(/MR-/); // says nothing about the referral to whoever owns the address
    expect(pagedByEmail(sent, responses[0].json.referralId)).toEqual([]);
    // coordinators: one email notice per urgent case, naming it as awaiting verification, and never an SMS
    const notices = sent.email.filter((m) => m.to.some((t) => coordinatorEmails.includes(t)));
    expect(notices).toHaveLength(50);
    expect(notices[0].text).toMatch(/awaits verification/);
    const listed = await staffCall(rt, 'GET', '/api/staff/referrals?status=awaiting_verification');
    expect(listed.json.items).toHaveLength(50);
  });

  it('gets another verification email only once the hour has passed', async () => {
    await submitFrom(STRANGER, urgent);
    await advance(rt, 59);
    await submitFrom(STRANGER);
    expect(emailTo(await outbox(rt), STRANGER)).toHaveLength(1);

    await advance(rt, 2);
    await submitFrom(STRANGER);

    expect(emailTo(await outbox(rt), STRANGER)).toHaveLength(2);
  });

  it('verifying starts every waiting referral as if it had just arrived from a trusted submitter', async () => {
    const first = await submitFrom(STRANGER, urgent);
    const second = await submitFrom(STRANGER);
    const token = verificationToken(await outbox(rt), STRANGER);
    const before = await outbox(rt);

    const response = await verify(token);
    await settle(rt);

    expect(response.status).toBe(200);
    expect(response.json.verified).toBe(true);
    expect(response.json.referralIds.sort()).toEqual([first.referralId, second.referralId].sort());
    expect((await caseOf(rt, first.referralId))?.status).toBe('paging');
    expect((await caseOf(rt, second.referralId))?.status).toBe('awaiting_review');
    const sent = await sentSince(rt, before);
    expect(pagedBySms(sent, first.referralId)).toEqual([ANA.phone]);
    expect(pagedByEmail(sent, second.referralId)).toEqual([ANA.email]);
    const receipts = emailTo(sent, STRANGER);
    expect(receipts.map((m) => m.subject).sort()).toEqual(
      [`Referral ${first.referralId} received`, `Referral ${second.referralId} received`].sort(),
    );
    expect(receipts.every((m) => m.text.includes('/outcome/'))).toBe(true);

    // now trusted: the next referral pages at once
    const third = await submitFrom(STRANGER, urgent);
    expect(third.status).toBe('paging');
  });

  it('answers 403 to a tampered token and 410 to a used one, changing nothing', async () => {
    const { referralId } = await submitFrom(STRANGER, urgent);
    const token = verificationToken(await outbox(rt), STRANGER);
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');

    const wrong = await verify(tampered);
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect(wrong.text).not.toContain(tampered);
    await settle(rt);
    expect((await caseOf(rt, referralId))?.status).toBe('awaiting_verification');
    expect((await verify('')).status).toBe(422);

    expect((await verify(token)).status).toBe(200);
    const reused = await verify(token);
    expect(reused.status).toBe(410);
    expect(reused.headers.get('content-type')).toContain('application/problem+json');
  });

  it('an expired token answers 410 and its referrals keep waiting; a later referral brings a new link that works', async () => {
    const { referralId } = await submitFrom(STRANGER, urgent);
    const old = verificationToken(await outbox(rt), STRANGER);

    await advance(rt, 24 * 60 + 1);
    const expired = await verify(old);
    await settle(rt);

    expect(expired.status).toBe(410);
    expect((await caseOf(rt, referralId))?.status).toBe('awaiting_verification');
    expect(pagedBySms(await outbox(rt), referralId)).toEqual([]);

    const later = await submitFrom(STRANGER);
    const mails = emailTo(await outbox(rt), STRANGER);
    expect(mails).toHaveLength(2);
    const fresh = /\/verify#token=([A-Za-z0-9_-]+)/.exec(mails[1].text)![1];
    const verified = await verify(fresh);
    await settle(rt);
    expect(verified.status).toBe(200);
    expect(verified.json.referralIds.sort()).toEqual([referralId, later.referralId].sort());
    expect(pagedBySms(await outbox(rt), referralId)).toEqual([ANA.phone]);
  });

  it('a verified referral still meets the holds: a duplicate is held and the coordinators hear why', async () => {
    await trust(rt, { domain: FIXTURE_DOMAIN });
    const aNumber = freshANumber();
    const open = await submitFrom('first@example.org', { ...urgent, client: { aNumber } });
    const waiting = await submitFrom(STRANGER, { ...urgent, client: { aNumber } });
    expect(waiting.status).toBe('awaiting_verification'); // a stranger learns nothing about the other case
    const before = await outbox(rt);

    expect((await verify(verificationToken(await outbox(rt), STRANGER))).status).toBe(200);
    await settle(rt);

    expect(await caseOf(rt, waiting.referralId)).toMatchObject({ status: 'held', holdReason: 'duplicate', duplicateOf: open.referralId });
    const sent = await sentSince(rt, before);
    expect(pagedBySms(sent, waiting.referralId)).toEqual([]);
    expect(
      sent.email.some(
        (m) => m.to.includes(coordinatorEmails[0]) && m.text.includes(waiting.referralId) && m.text.includes(open.referralId),
      ),
    ).toBe(true);
    expect(emailTo(sent, STRANGER)[0].text).toContain('A program coordinator reviews this referral before doctors are contacted.');
  });

  it('GET /verify serves the page and changes nothing', async () => {
    const { referralId } = await submitFrom(STRANGER, urgent);
    const page = await call(rt, 'GET', '/verify');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    await settle(rt);
    expect((await caseOf(rt, referralId))?.status).toBe('awaiting_verification');
  });
});

describe('a trusted submitter', () => {
  beforeEach(async () => {
    await trust(rt, { domain: FIXTURE_DOMAIN });
  });

  it('has the 4th urgent referral of the day held for a coordinator, paging nobody', async () => {
    const email = 'busy@example.org';
    const firstThree = [];
    for (let i = 0; i < 3; i++) firstThree.push(await submitFrom(email, urgent));
    const before = await outbox(rt);

    const fourth = await submitFrom(email, urgent);

    expect(firstThree.map((r) => r.status)).toEqual(['paging', 'paging', 'paging']);
    expect(fourth).toMatchObject({ status: 'held', urgency: 'urgent' });
    const sent = await sentSince(rt, before);
    expect(pagedBySms(sent, fourth.referralId)).toEqual([]);
    expect(smsTo(sent, COORDINATORS[0].phone)).toEqual([]);
    const item = (await staffCall(rt, 'GET', '/api/staff/referrals?status=held')).json.items[0];
    expect(item).toMatchObject({ referralId: fourth.referralId, holdReason: 'submitter_limit' });
    // a routine one is not limited, and after 24 h the limit is back
    expect((await submitFrom(email)).status).toBe('awaiting_review');
    await advance(rt, 24 * 60 + 1);
    expect((await submitFrom(email, urgent)).status).toBe('paging');
  });

  it('is counted once for an Idempotency-Key replay', async () => {
    const email = 'replays@example.org';
    const body = validReferral({ ...urgent, attorney: { email }, client: { aNumber: freshANumber() } });
    for (let i = 0; i < 4; i++)
      expect((await attorneyCall(rt, 'POST', '/api/referrals', body, { 'idempotency-key': 'same-key' })).json.status).toBe('paging');
    expect((await submitFrom(email, urgent)).status).toBe('paging');
    expect((await submitFrom(email, urgent)).status).toBe('paging');
    expect((await submitFrom(email, urgent)).status).toBe('held');
  });

  it('a duplicate A-number pages nobody and reads exactly like any other held case', async () => {
    const limited = 'limited@example.org';
    for (let i = 0; i < 3; i++) await submitFrom(limited, urgent);
    const aNumber = freshANumber();
    const open = await submitFrom('first@example.org', { ...urgent, client: { aNumber } });
    const before = await outbox(rt);

    const otherHeld = await post(limited, urgent);
    const duplicate = await post('second@example.org', { ...urgent, client: { aNumber: `${aNumber.slice(1, 4)}-${aNumber.slice(4)}` } });
    await settle(rt);

    expect(open.status).toBe('paging');
    for (const r of [otherHeld, duplicate]) {
      expect(r.status).toBe(201);
      expect(Object.keys(r.json)).toEqual(['referralId', 'status', 'urgency', 'reasons']);
      expect(r.json).toMatchObject({ status: 'held', urgency: 'urgent', reasons: ['attorney_marked_urgent'] });
    }
    const sent = await sentSince(rt, before);
    expect(pagedBySms(sent, duplicate.json.referralId)).toEqual([]);
    expect(pagedByEmail(sent, duplicate.json.referralId)).toEqual([]);
    const [dupMail] = emailTo(sent, 'second@example.org');
    const [heldMail] = emailTo(sent, limited);
    const neutral = (m: { subject: string; text: string }, id: string) =>
      (m.subject + m.text).replaceAll(id, 'MR-X').replace(/#token=[A-Za-z0-9_-]+/g, '#token=T');
    expect(neutral(dupMail, duplicate.json.referralId)).toBe(neutral(heldMail, otherHeld.json.referralId));
    expect(emailTo(sent, 'second@example.org')).toHaveLength(1);
    // the coordinators get an email notice naming both cases; no SMS
    const notice = sent.email.find((m) => m.to.includes(coordinatorEmails[0]) && m.text.includes(duplicate.json.referralId));
    expect(notice?.text).toContain(open.referralId);
    expect(smsTo(sent, COORDINATORS[0].phone)).toEqual([]);
    // the staff API knows why, and finds both cases by the A-number, however it is written
    const byANumber = await staffCall(rt, 'GET', `/api/staff/referrals?aNumber=${encodeURIComponent(`a ${aNumber.slice(1)}`)}`);
    expect(byANumber.status).toBe(200);
    expect(byANumber.json.items.map((i: { referralId: string }) => i.referralId)).toEqual([duplicate.json.referralId, open.referralId]);
    expect(byANumber.json.items[0]).toMatchObject({ status: 'held', holdReason: 'duplicate', duplicateOf: open.referralId });
    expect((await staffCall(rt, 'GET', '/api/staff/referrals?aNumber=A12')).status).toBe(422);
    // the duplicate index holds a keyed hash, never the A-number
    const stored = await caseOf(rt, duplicate.json.referralId);
    expect(stored?.aNumberHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.aNumberHash).not.toContain(aNumber.slice(1));
  });

  it('a routine duplicate is awaiting_review like any routine case, but offered to no doctor', async () => {
    const aNumber = freshANumber();
    const open = await submitFrom('first@example.org', { client: { aNumber } });
    const before = await outbox(rt);

    const duplicate = await submitFrom('second@example.org', { client: { aNumber } });

    expect(duplicate.status).toBe('awaiting_review');
    const sent = await sentSince(rt, before);
    expect(pagedByEmail(sent, duplicate.referralId)).toEqual([]);
    expect(emailTo(sent, 'second@example.org')[0].text).toContain('A volunteer doctor will review the request.');
    const detail = await staffCall(rt, 'GET', `/api/staff/referrals/${duplicate.referralId}`);
    expect(detail.json).toMatchObject({ status: 'awaiting_review', duplicateOf: open.referralId });
    expect(detail.json.aNumberHash).toBeUndefined();
  });

  it('a closed case is no duplicate', async () => {
    const aNumber = freshANumber();
    const open = await submitFrom('first@example.org', { ...urgent, client: { aNumber } });
    expect((await staffCall(rt, 'POST', `/api/staff/referrals/${open.referralId}/close`, { outcome: 'withdrawn' })).status).toBe(200);

    expect((await submitFrom('second@example.org', { ...urgent, client: { aNumber } })).status).toBe('paging');
  });
});

describe('POST /api/staff/referrals/{id}/approve', () => {
  it('lets a held urgent case page now, records who approved, and answers 409 after', async () => {
    await trust(rt, { domain: FIXTURE_DOMAIN });
    const aNumber = freshANumber();
    await submitFrom('first@example.org', { ...urgent, client: { aNumber } });
    const held = await submitFrom('second@example.org', { ...urgent, client: { aNumber } });
    const before = await outbox(rt);

    const approved = await staffCall(rt, 'POST', `/api/staff/referrals/${held.referralId}/approve`);
    await settle(rt);

    expect(approved.status).toBe(200);
    expect(approved.json).toEqual({ status: 'paging' });
    expect(pagedBySms(await sentSince(rt, before), held.referralId)).toEqual([ANA.phone]);
    const detail = await staffCall(rt, 'GET', `/api/staff/referrals/${held.referralId}`);
    expect(detail.json.timeline.find((e: { event: string }) => e.event === 'approved')).toMatchObject({
      actor: expect.stringMatching(/^staff:/),
    });
    expect(detail.json.holdReason).toBeUndefined();
    const again = await staffCall(rt, 'POST', `/api/staff/referrals/${held.referralId}/approve`);
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
  });

  it('lets a routine case awaiting verification proceed to awaiting_review with its receipt', async () => {
    const waiting = await submitFrom(STRANGER);
    const before = await outbox(rt);

    const approved = await staffCall(rt, 'POST', `/api/staff/referrals/${waiting.referralId}/approve`);
    await settle(rt);

    expect(approved.json).toEqual({ status: 'awaiting_review' });
    const sent = await sentSince(rt, before);
    expect(pagedByEmail(sent, waiting.referralId)).toEqual([ANA.email]);
    expect(emailTo(sent, STRANGER).map((m) => m.subject)).toEqual([`Referral ${waiting.referralId} received`]);
    expect((await staffCall(rt, 'POST', '/api/staff/referrals/MR-00000000/approve')).status).toBe(404);
  });
});

describe('the trusted list', () => {
  it('adds, lists and removes addresses and domains; a listed address pages at once', async () => {
    expect((await staffCall(rt, 'POST', '/api/staff/submitters', { email: 'Lawyer@Firm.test' })).status).toBe(200);
    expect((await staffCall(rt, 'POST', '/api/staff/submitters', { domain: '@partner.test' })).status).toBe(200);

    const listed = await staffCall(rt, 'GET', '/api/staff/submitters');
    expect(listed.json.items).toEqual(
      expect.arrayContaining([
        { email: 'lawyer@firm.test', addedBy: expect.stringMatching(/^staff:/), addedAt: expect.any(String) },
        { domain: 'partner.test', addedBy: expect.stringMatching(/^staff:/), addedAt: expect.any(String) },
      ]),
    );
    expect((await submitFrom('lawyer@firm.test', urgent)).status).toBe('paging');
    expect((await submitFrom('anyone@partner.test', urgent)).status).toBe('paging');

    expect((await staffCall(rt, 'DELETE', `/api/staff/submitters/${encodeURIComponent('lawyer@firm.test')}`)).status).toBe(204);
    expect((await staffCall(rt, 'DELETE', '/api/staff/submitters/partner.test')).status).toBe(204);
    expect((await staffCall(rt, 'GET', '/api/staff/submitters')).json.items).toEqual([]);
    expect((await submitFrom('lawyer@firm.test', urgent)).status).toBe('awaiting_verification');
  });

  it('rejects a bad entry with 422 and needs the coordinators group', async () => {
    for (const body of [{ email: 'not-an-email' }, { domain: 'no dots' }, { email: 'a@b.test', domain: 'b.test' }, {}]) {
      const r = await staffCall(rt, 'POST', '/api/staff/submitters', body);
      expect(r.status, JSON.stringify(body)).toBe(422);
    }
    const token = (await call(rt, 'GET', '/_local/token?group=doctors')).json.token;
    expect((await call(rt, 'GET', '/api/staff/submitters', undefined, { authorization: `Bearer ${token}` })).status).toBe(403);
    expect((await call(rt, 'POST', '/api/staff/submitters', { domain: 'x.test' })).status).toBe(401);
  });
});
