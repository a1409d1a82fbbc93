import { beforeEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../local/runtime.js';
import { freshANumber, parsedReferral, validReferral, type ReferralOverrides } from '../fixtures/referral.js';
import { caseRecord } from '../fixtures/case.js';
import { attorneyCall, attorneyToken, call, FIXTURE_ATTORNEY, useTestRuntime } from '../support/runtime.js';
import {
  advance,
  ANA,
  caseOf,
  clockNow,
  COORDINATORS,
  emailTo,
  outbox,
  pagedByEmail,
  pagedBySms,
  resetWith,
  sentSince,
  settle,
  shiftAround,
  staffCall,
  staffToken,
  trust,
  type SentEmail,
} from './helpers.js';

/**
 * The attacks of a stranger with a mailbox, played over HTTP against the local runtime: trust rests on the
 * attorney's sign-in and the coordinators' approved list, never on what a form says, and every message a
 * submitter can set off is bounded.
 *
 * Small limits, so each bound shows within a few requests: one urgent referral per attorney and two per
 * domain page by themselves in 24 h, three routine ones per attorney get offers, and two doctor pages go
 * out per hour system-wide (the one doctor on shift gets one SMS per urgent case).
 */
const LIMITS = {
  URGENT_PER_SUBMITTER_PER_DAY: 1,
  URGENT_PER_DOMAIN_PER_DAY: 2,
  ROUTINE_PER_SUBMITTER_PER_DAY: 3,
  PAGE_BUDGET_PER_HOUR: 2,
};

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started), { limits: LIMITS });

const coordinatorEmails = COORDINATORS.map((c) => c.email);
const isToCoordinators = (m: SentEmail) => m.to.some((t) => coordinatorEmails.includes(t));
const urgent = { medical: { attorneyUrgency: 'urgent' as const } };

beforeEach(async () => {
  // the fixture attorney's domain (example.org) is on the approved list
  const now = await clockNow(rt);
  await resetWith(rt, { doctors: [ANA], coordinators: COORDINATORS, shifts: [shiftAround(now, ANA.id)] });
});

/** A referral about a new person (unless `overrides` names an A-number), sent by the signed-in `email`. */
function post(email: string, overrides: ReferralOverrides = {}, headers: Record<string, string> = {}) {
  const body = validReferral({
    ...overrides,
    attorney: { email, ...overrides.attorney },
    client: { aNumber: freshANumber(), ...overrides.client },
  });
  return attorneyCall(rt, 'POST', '/api/referrals', body, headers);
}

async function submitFrom(email: string, overrides: ReferralOverrides = {}) {
  const response = await post(email, overrides);
  expect(response.status, response.text).toBe(201);
  await settle(rt);
  return response.json as { referralId: string; status: string; urgency: string; reasons: string[] };
}

const staffRecord = async (referralId: string) => (await staffCall(rt, 'GET', `/api/staff/referrals/${referralId}`)).json;

/** Every case the store holds, whatever its status. */
async function storedCases() {
  const listed = await staffCall(rt, 'GET', '/api/staff/referrals?limit=200');
  expect(listed.status).toBe(200);
  return listed.json.items as { referralId: string }[];
}

describe('a signed-in stranger', () => {
  it('with eight plus-addresses of one mailbox pages nobody and leaves the page budget to the real attorneys', async () => {
    const before = await outbox(rt);
    const mailboxes = Array.from({ length: 8 }, (_, i) => `mallory+${i + 1}@mail.test`);

    // two urgent referrals from each address, all at once: eight times the hourly page budget
    const attack = await Promise.all(mailboxes.flatMap((email) => [post(email, urgent), post(email, urgent)]));
    await settle(rt);

    for (const r of attack) {
      expect(r.status, r.text).toBe(201);
      expect(r.json).toEqual({
        referralId: expect.any(String),
        status: 'awaiting_review',
        urgency: 'urgent',
        reasons: ['attorney_marked_urgent'],
      });
    }
    const sent = await sentSince(rt, before);
    expect(sent.sms).toEqual([]);
    expect(emailTo(sent, ANA.email)).toEqual([]);
    for (const r of attack) expect(await caseOf(rt, r.json.referralId)).toMatchObject({ status: 'held', holdReason: 'new_submitter' });

    // the budget of two pages an hour is untouched: two approved attorneys' urgent referrals both page
    const real = [await submitFrom(FIXTURE_ATTORNEY, urgent), await submitFrom('colleague@example.org', urgent)];
    const after = await sentSince(rt, before);
    for (const r of real) {
      expect(r.status).toBe('paging');
      expect(pagedBySms(after, r.referralId)).toEqual([ANA.phone]);
      expect((await caseOf(rt, r.referralId))?.holdReason).toBeUndefined();
    }
  });

  it("who types a listed attorney's address is refused at attorney.email; without a valid attorney token nothing is read at all", async () => {
    const before = await outbox(rt);

    const impersonation = await post(
      'mallory@mail.test',
      { ...urgent, attorney: { email: FIXTURE_ATTORNEY } },
      {
        authorization: `Bearer ${await attorneyToken(rt, 'mallory@mail.test')}`,
      },
    );
    expect(impersonation.status).toBe(422);
    expect(impersonation.headers.get('content-type')).toContain('application/problem+json');
    expect(impersonation.json.errors).toEqual([{ path: 'attorney.email', message: expect.any(String) }]);
    // the signed-in address itself, in other letters, is the same address
    const own = await post(
      'mallory@mail.test',
      { attorney: { email: 'Mallory@Mail.TEST' } },
      {
        authorization: `Bearer ${await attorneyToken(rt, 'mallory@mail.test')}`,
      },
    );
    expect(own.status, own.text).toBe(201);

    const staff = await staffToken(rt);
    const body = validReferral({ ...urgent, client: { aNumber: freshANumber() } });
    const oversized = JSON.stringify({ ...body, medical: { ...body.medical, concern: 'x'.repeat(200 * 1024) } });
    for (const authorization of ['', `Bearer ${staff}`, 'Bearer not.a.token', `Bearer ${staff.slice(0, -4)}AAAA`]) {
      for (const sent of [body, '{"attorney": ', oversized]) {
        const r = await call(rt, 'POST', '/api/referrals', sent, authorization ? { authorization } : {});
        expect(r.status, `${authorization.slice(0, 12)} ${String(sent).slice(0, 12)}`).toBe(401);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
      }
    }
    await settle(rt);

    const stored = await storedCases();
    expect(stored.map((c) => c.referralId)).toEqual([own.json.referralId]);
    const sent = await sentSince(rt, before);
    expect(sent.sms).toEqual([]);
    expect(emailTo(sent, FIXTURE_ATTORNEY)).toEqual([]);
    expect(emailTo(sent, ANA.email)).toEqual([]);
  });

  it('is a new attorney at a sub-domain or look-alike of a listed domain; the listed domain pages only within its daily allowance', async () => {
    await trust(rt, { domain: 'partner.test' });
    const before = await outbox(rt);

    const first = await submitFrom('a@partner.test', urgent);
    const second = await submitFrom('b@partner.test', urgent);
    const third = await submitFrom('anyone-at-all@partner.test', urgent);
    const strangers = [];
    for (const email of ['x@legal.partner.test', 'x@partner.test.mail.test', 'x@xpartner.test', 'x@partner-test.test'])
      strangers.push(await submitFrom(email, urgent));

    const sent = await sentSince(rt, before);
    expect([first.status, second.status]).toEqual(['paging', 'paging']);
    expect(pagedBySms(sent, first.referralId)).toEqual([ANA.phone]);
    expect(pagedBySms(sent, second.referralId)).toEqual([ANA.phone]);
    expect(third.status).toBe('awaiting_review');
    expect(await staffRecord(third.referralId)).toMatchObject({ status: 'held', holdReason: 'submitter_limit' });
    for (const s of strangers) {
      expect(s.status).toBe('awaiting_review');
      expect(await staffRecord(s.referralId)).toMatchObject({ status: 'held', holdReason: 'new_submitter' });
    }
    expect(sent.sms).toHaveLength(2);

    // a day later the domain's allowance is back
    await advance(rt, 24 * 60 + 1);
    expect((await submitFrom('c@partner.test', urgent)).status).toBe('paging');
  });

  it("with a routine referral for an A-number does not hold a listed attorney's urgent pregnancy referral for the same person", async () => {
    const aNumber = freshANumber();
    const planted = await submitFrom('stranger@unknown-firm.test', { client: { aNumber } });
    expect(planted.status).toBe('awaiting_review');
    const before = await outbox(rt);

    const real = await submitFrom(FIXTURE_ATTORNEY, { medical: { riskFactors: ['pregnancy'] }, client: { aNumber } });

    expect(real).toMatchObject({ status: 'paging', urgency: 'urgent' });
    expect(pagedBySms(await sentSince(rt, before), real.referralId)).toEqual([ANA.phone]);
    const stored = await caseOf(rt, real.referralId);
    expect(stored?.duplicateOf).toBeUndefined();
    expect(stored?.holdReason).toBeUndefined();
    // the other way round the listed attorney's case does count: the stranger's next one is marked as its duplicate
    const later = await submitFrom('stranger@unknown-firm.test', { ...urgent, client: { aNumber } });
    expect(await caseOf(rt, later.referralId)).toMatchObject({ status: 'held', duplicateOf: real.referralId });
  });
});

describe('what a submitter sees', () => {
  it('reads the same for a duplicate hold, a limit hold, a plain review case and a new attorney, answer and receipt', async () => {
    const aNumber = freshANumber();
    const open = await submitFrom(FIXTURE_ATTORNEY, { ...urgent, client: { aNumber } });
    expect(open.status).toBe('paging');
    const before = await outbox(rt);

    const senders: Record<string, string> = {
      duplicate: 'second@example.org',
      limit: FIXTURE_ATTORNEY, // the fixture attorney's second urgent one today
      review: 'third@example.org',
      newAttorney: 'someone@unknown-firm.test',
    };
    const cases = {
      duplicate: await post(senders.duplicate, { ...urgent, client: { aNumber } }),
      limit: await post(senders.limit, urgent),
      review: await post(senders.review),
      newAttorney: await post(senders.newAttorney, urgent),
    };
    await settle(rt);

    const ids = Object.fromEntries(Object.entries(cases).map(([k, r]) => [k, r.json.referralId as string]));
    expect(await caseOf(rt, ids.duplicate)).toMatchObject({ status: 'held', holdReason: 'duplicate', duplicateOf: open.referralId });
    expect(await caseOf(rt, ids.limit)).toMatchObject({ status: 'held', holdReason: 'submitter_limit' });
    expect((await caseOf(rt, ids.review))?.status).toBe('awaiting_review');
    expect((await caseOf(rt, ids.review))?.holdReason).toBeUndefined();
    expect(await caseOf(rt, ids.newAttorney)).toMatchObject({ status: 'held', holdReason: 'new_submitter' });

    const answers = Object.values(cases);
    for (const r of answers) {
      expect(r.status).toBe(201);
      expect(Object.keys(r.json)).toEqual(['referralId', 'status', 'urgency', 'reasons']);
      expect(r.json.status).toBe('awaiting_review');
    }
    // the urgent ones answer byte for byte alike, but for the id
    const urgentAnswers = [cases.duplicate, cases.limit, cases.newAttorney].map((r) => r.text.replaceAll(r.json.referralId, 'MR-X'));
    expect(new Set(urgentAnswers).size).toBe(1);

    const sent = await sentSince(rt, before);
    const receipts = Object.keys(cases).map((k) => {
      const mails = emailTo(sent, senders[k]).filter((m) => m.subject.includes(ids[k]));
      expect(mails, k).toHaveLength(1);
      const [m] = mails;
      const neutral = (s: string) => s.replaceAll(ids[k], 'MR-X').replace(/#token=[A-Za-z0-9_-]+/g, '#token=T');
      return { subject: neutral(m.subject), text: neutral(m.text), html: neutral(m.html) };
    });
    for (const r of receipts.slice(1)) expect(r).toEqual(receipts[0]);
    expect(receipts[0].text).toContain('The program reviews this referral');
  });
});

describe('messages a submitter can set off are bounded', () => {
  it('50 routine referrals from one approved attorney send offers for the first three only', async () => {
    const before = await outbox(rt);

    const responses = [];
    for (let batch = 0; batch < 5; batch++)
      responses.push(...(await Promise.all(Array.from({ length: 10 }, () => post(FIXTURE_ATTORNEY)))));
    await settle(rt);

    const ids = responses.map((r) => {
      expect(r.status, r.text).toBe(201);
      expect(r.json.status).toBe('awaiting_review');
      return r.json.referralId as string;
    });
    const sent = await sentSince(rt, before);
    const offered = ids.filter((id) => pagedByEmail(sent, id).length > 0);
    expect(offered).toHaveLength(LIMITS.ROUTINE_PER_SUBMITTER_PER_DAY);
    const waiting = (await Promise.all(ids.map((id) => caseOf(rt, id)))).filter((c) => c?.holdReason === 'routine_limit');
    expect(waiting).toHaveLength(50 - LIMITS.ROUTINE_PER_SUBMITTER_PER_DAY);
    // one receipt each, and per offered case one offer (one doctor on shift) and one coordinators' notice
    expect(emailTo(sent, FIXTURE_ATTORNEY)).toHaveLength(50);
    expect(sent.email.length).toBeLessThanOrEqual(50 + LIMITS.ROUTINE_PER_SUBMITTER_PER_DAY * 2);
    expect(sent.sms).toEqual([]);
  });

  it('20 referrals from new attorneys bring the coordinators at most one digest per 15 minutes, never an SMS', async () => {
    const before = await outbox(rt);
    const from = (i: number) => `new${i}@firm${i}.test`;

    const first = await submitFrom(from(0), urgent);
    const rest = [];
    for (let i = 1; i < 20; i++) rest.push(await submitFrom(from(i), i % 2 ? urgent : {}));
    const digests = async () =>
      (await sentSince(rt, before)).email.filter((m) => isToCoordinators(m) && /from new attorneys/.test(m.subject));

    const soon = await digests();
    expect(soon).toHaveLength(1);
    expect(soon[0].text).toContain(first.referralId);
    for (const r of rest) expect(soon[0].text).not.toContain(r.referralId);

    await advance(rt, 15);
    await advance(rt, 15);
    const later = await digests();
    expect(later).toHaveLength(2);
    expect(Date.parse(later[1].at) - Date.parse(later[0].at)).toBeGreaterThanOrEqual(15 * 60_000);
    expect(later[1].subject).toBe('19 referrals from new attorneys to review');
    for (const r of rest) expect(later[1].text).toContain(r.referralId);

    await advance(rt, 60); // nothing left to list: no more digests
    const sent = await sentSince(rt, before);
    expect(await digests()).toHaveLength(2);
    expect(sent.email.filter(isToCoordinators)).toHaveLength(2);
    expect(sent.sms).toEqual([]);
    expect(emailTo(sent, ANA.email)).toEqual([]);
    // each attorney still got the receipt
    for (let i = 0; i < 20; i++) expect(emailTo(sent, from(i))).toHaveLength(1);
  });
});

describe('Idempotency-Key', () => {
  it("an attacker's use of a key first does not touch the real attorney's request with the same key", async () => {
    const key = 'guessable-key-1';
    const attacker = await post('mallory@mail.test', urgent, { 'idempotency-key': key });
    const realBody = validReferral({ ...urgent, client: { aNumber: freshANumber() } });
    const real = await attorneyCall(rt, 'POST', '/api/referrals', realBody, { 'idempotency-key': key });
    await settle(rt);

    expect(attacker.status).toBe(201);
    expect(real.status, real.text).toBe(201);
    expect(real.json.referralId).not.toBe(attacker.json.referralId);
    expect(real.json.status).toBe('paging');
    expect((await caseOf(rt, real.json.referralId))?.referral.attorney.email).toBe(FIXTURE_ATTORNEY);

    // the same attorney, key and body: the first answer again, and nothing stored twice
    const again = await attorneyCall(rt, 'POST', '/api/referrals', realBody, { 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.text).toBe(real.text);
    await settle(rt);
    expect(await storedCases()).toHaveLength(2);
  });
});

describe('POST /api/staff/referrals/{id}/approve with trustSubmitter', () => {
  it("puts the attorney on the approved list, so the attorney's next urgent referral pages; a case stored awaiting verification still approves", async () => {
    const newcomer = 'newcomer@small-firm.test';
    const held = await submitFrom(newcomer, urgent);
    const before = await outbox(rt);

    const approved = await staffCall(rt, 'POST', `/api/staff/referrals/${held.referralId}/approve`, { trustSubmitter: true });
    await settle(rt);

    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toEqual({ status: 'paging' });
    expect(pagedBySms(await sentSince(rt, before), held.referralId)).toEqual([ANA.phone]);
    const listed = await staffCall(rt, 'GET', '/api/staff/submitters');
    expect(listed.json.items).toContainEqual({ email: newcomer, addedBy: expect.stringMatching(/^staff:/), addedAt: expect.any(String) });

    const next = await submitFrom(newcomer, urgent);
    expect(next.status).toBe('paging');
    expect(pagedBySms(await sentSince(rt, before), next.referralId)).toEqual([ANA.phone]);

    // a case stored awaiting verification before attorneys signed in approves too
    const now = (await clockNow(rt)).toISOString();
    const referralId = 'MR-0LDV3R1F';
    const referral = parsedReferral({ attorney: { email: 'earlier@old-firm.test' }, client: { aNumber: freshANumber() } });
    const stored = caseRecord({ referralId, status: 'awaiting_verification', urgency: 'routine', reasons: [], createdAt: now, referral });
    expect(await rt.deps.store.createCase(stored)).toBe(true);
    const beforeOld = await outbox(rt);

    const approvedOld = await staffCall(rt, 'POST', `/api/staff/referrals/${referralId}/approve`, {});
    await settle(rt);

    expect(approvedOld.status, approvedOld.text).toBe(200);
    expect(approvedOld.json).toEqual({ status: 'awaiting_review' });
    const sentOld = await sentSince(rt, beforeOld);
    expect(pagedByEmail(sentOld, referralId)).toEqual([ANA.email]);
    expect(emailTo(sentOld, 'earlier@old-firm.test').map((m) => m.subject)).toEqual([`Referral ${referralId} received`]);
  });
});

describe('the email verification flow', () => {
  it('is gone: no endpoint, no page', async () => {
    const verify = await call(rt, 'POST', '/api/submitters/verify', { token: 'A'.repeat(43) });
    expect(verify.status).toBe(404);
    const page = await call(rt, 'GET', '/verify');
    expect(page.status).toBe(404);
    expect(page.text).not.toMatch(/verif/i);
  });
});
