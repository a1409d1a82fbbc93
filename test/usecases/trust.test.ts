import { beforeEach, describe, expect, it } from 'vitest';
import { CaseNotFoundError, CaseStateError } from '../../shared/domain/errors.js';
import { onCaseAdmitted, onCaseCreated } from '../../shared/usecases/dispatch.js';
import { submitReferral } from '../../shared/usecases/intake.js';
import { approveCase, listTrusted, sendDigest, trustSubmitter, trustTarget, untrustSubmitter } from '../../shared/usecases/trust.js';
import { freshANumber, parsedReferral, TODAY, type ReferralOverrides } from '../fixtures/referral.js';
import { coordinatorEntry, doctorEntry, parsedRoster } from '../fixtures/roster.js';
import { fakeKeyedHash, testPorts, type TestPorts } from '../support/fakes.js';

const LEE = coordinatorEntry();
const ATTORNEY = 'ana.perez@example.org';
const URGENT = { medical: { attorneyUrgency: 'urgent' } } as const;
const NEW = (email: string) => ({ attorney: { email } });

let p: TestPorts;
beforeEach(async () => {
  p = await testPorts({ roster: parsedRoster({ doctors: [doctorEntry()], coordinators: [LEE], shifts: [] }) });
});

/** Submits a referral about a new person (unless the overrides name one) as intake does for the signed-in attorney. */
const submit = (overrides: ReferralOverrides = {}) =>
  submitReferral(parsedReferral({ client: { aNumber: freshANumber() }, ...overrides }), TODAY, { ...p, keyedHash: fakeKeyedHash });
const stored = async (id: string) => (await p.store.getCase(id))!;

describe('admission of a signed-in attorney’s referral', () => {
  it('holds a new attorney’s referrals for a coordinator (urgent held, routine set aside) and answers review', async () => {
    const urgent = await submit({ ...URGENT, ...NEW('new@firm.org') });
    const routine = await submit(NEW('new@firm.org'));
    expect([urgent.status, routine.status]).toEqual(['awaiting_review', 'awaiting_review']);
    expect(await stored(urgent.referralId)).toMatchObject({ status: 'held', holdReason: 'new_submitter' });
    expect(await stored(routine.referralId)).toMatchObject({ status: 'awaiting_review', holdReason: 'new_submitter' });
  });

  it('pages or offers at once for an approved address or its exact domain, never a sub-domain or look-alike', async () => {
    await trustSubmitter(trustTarget('@Example.org'), 'staff:lee', p);
    expect((await submit(URGENT)).status).toBe('paging');
    expect((await submit()).status).toBe('awaiting_review');
    for (const email of ['x@mail.example.org', 'x@example.org.evil.net', 'x@exampleorg.com']) {
      expect((await stored((await submit({ ...URGENT, ...NEW(email) })).referralId)).holdReason).toBe('new_submitter');
    }
  });

  it('holds an approved attorney’s duplicate and their urgent referrals past the daily allowance, all answered as review', async () => {
    await trustSubmitter(trustTarget(ATTORNEY), 'staff:lee', p);
    const aNumber = freshANumber();
    const first = await submit({ ...URGENT, client: { aNumber } });
    p.clock.advance(1);
    const urgentDuplicate = await submit({ ...URGENT, client: { aNumber } });
    p.clock.advance(1);
    const routineDuplicate = await submit({ client: { aNumber } });
    expect(urgentDuplicate.status).toBe('awaiting_review');
    expect(await stored(urgentDuplicate.referralId)).toMatchObject({
      status: 'held',
      holdReason: 'duplicate',
      duplicateOf: first.referralId,
    });
    expect(await stored(routineDuplicate.referralId)).toMatchObject({ status: 'awaiting_review', duplicateOf: urgentDuplicate.referralId });

    const more = [await submit(URGENT), await submit(URGENT), await submit(URGENT)];
    expect(more.map((r) => r.status)).toEqual(['paging', 'paging', 'awaiting_review']);
    expect((await stored(more[2].referralId)).holdReason).toBe('submitter_limit');
    p.clock.advance(24 * 60 + 1);
    expect((await submit(URGENT)).status).toBe('paging');
  });

  it('holds urgent referrals past the domain’s daily allowance, whoever at the domain sends them', async () => {
    p.config.URGENT_PER_DOMAIN_PER_DAY = 2;
    await trustSubmitter(trustTarget('@partner.org'), 'staff:lee', p);
    const answers = [];
    for (const who of ['a', 'b', 'c']) answers.push(await submit({ ...URGENT, ...NEW(`${who}@partner.org`) }));
    expect(answers.map((a) => a.status)).toEqual(['paging', 'paging', 'awaiting_review']);
    expect((await stored(answers[2].referralId)).holdReason).toBe('submitter_limit');
  });

  it('sets routine referrals past the attorney’s daily allowance aside: no offers', async () => {
    p.config.ROUTINE_PER_SUBMITTER_PER_DAY = 1;
    await trustSubmitter(trustTarget(ATTORNEY), 'staff:lee', p);
    const [first, second] = [await submit(), await submit()];
    await onCaseCreated(first.referralId, p);
    await onCaseCreated(second.referralId, p);
    expect((await stored(second.referralId)).holdReason).toBe('routine_limit');
    expect((await p.store.listOffers(first.referralId)).length).toBe(1);
    expect(await p.store.listOffers(second.referralId)).toEqual([]);

    expect(await approveCase(second.referralId, 'staff:lee', p)).toEqual({ status: 'awaiting_review' });
    await onCaseAdmitted(second.referralId, p);
    expect((await stored(second.referralId)).holdReason).toBeUndefined();
    expect((await p.store.listOffers(second.referralId)).length).toBe(1);
  });

  it('never lets a new attorney’s case make a real one a duplicate', async () => {
    const aNumber = freshANumber();
    await submit({ ...URGENT, ...NEW('stranger@elsewhere.org'), client: { aNumber } });
    await trustSubmitter(trustTarget(ATTORNEY), 'staff:lee', p);
    expect((await submit({ ...URGENT, client: { aNumber } })).status).toBe('paging');
  });

  it('counts a new attorney’s case as a duplicate source once a coordinator approved it', async () => {
    const aNumber = freshANumber();
    const theirs = await submit({ ...URGENT, ...NEW('new@firm.org'), client: { aNumber } });
    await approveCase(theirs.referralId, 'staff:lee', p);
    await trustSubmitter(trustTarget(ATTORNEY), 'staff:lee', p);
    const ours = await submit({ ...URGENT, client: { aNumber } });
    expect(await stored(ours.referralId)).toMatchObject({ status: 'held', holdReason: 'duplicate', duplicateOf: theirs.referralId });
  });
});

describe('what a new attorney’s referral sends', () => {
  it('mails no doctor, sends the attorney the same receipt as any case in review, and the coordinators one digest per 15 minutes', async () => {
    const urgent = await submit({ ...URGENT, ...NEW('new@firm.org') });
    const routine = await submit(NEW('new@firm.org'));
    await onCaseCreated(urgent.referralId, p);
    await onCaseCreated(routine.referralId, p);
    await onCaseCreated(urgent.referralId, p);

    expect(p.outbox.sms.sent).toEqual([]);
    expect(await p.store.listOffers(routine.referralId)).toEqual([]);
    expect(p.outbox.email.subjects(LEE.email)).toEqual(['1 referral from new attorneys to review']);
    // the second waits for the next quarter hour's schedule
    expect(p.scheduler.names()).toEqual([expect.stringMatching(/^digest-new-submitters-\d+$/)]);
    p.clock.advance(15);
    await sendDigest(p);
    expect(p.outbox.email.subjects(LEE.email)).toEqual([
      '1 referral from new attorneys to review',
      '1 referral from new attorneys to review',
    ]);
    expect(p.outbox.email.to(LEE.email).at(-1)!.text).toContain(routine.referralId);
    await sendDigest(p);
    expect(p.outbox.email.to(LEE.email)).toHaveLength(2);

    const receipts = p.outbox.email.to('new@firm.org').map((m) => m.text.replace(/MR-\w+/g, 'MR-X').replace(/token=[\w-]+/g, 'token=T'));
    expect(receipts).toHaveLength(2);
    expect(receipts[0]).toBe(receipts[1]);
  });
});

describe('approving a case', () => {
  it('lets a held urgent case page and a set-aside routine one get its offers; nothing else', async () => {
    await trustSubmitter(trustTarget(ATTORNEY), 'staff:lee', p);
    const aNumber = freshANumber();
    await submit({ ...URGENT, client: { aNumber } });
    const held = await submit({ ...URGENT, client: { aNumber } });
    const setAside = await submit(NEW('stranger@elsewhere.org'));
    const plain = await submit();

    expect(await approveCase(held.referralId, 'staff:lee', p)).toEqual({ status: 'paging' });
    expect(await approveCase(setAside.referralId, 'staff:lee', p)).toEqual({ status: 'awaiting_review' });
    await onCaseAdmitted(setAside.referralId, p);
    expect((await p.store.listOffers(setAside.referralId)).length).toBe(1);
    const approved = await stored(held.referralId);
    expect(approved).toMatchObject({ approvedBy: 'staff:lee', approvedAt: p.clock.now().toISOString() });
    expect(approved.holdReason).toBeUndefined();
    await expect(approveCase(held.referralId, 'staff:lee', p)).rejects.toBeInstanceOf(CaseStateError);
    await expect(approveCase(plain.referralId, 'staff:lee', p)).rejects.toBeInstanceOf(CaseStateError);
    await expect(approveCase('MR-NOPE0000', 'staff:lee', p)).rejects.toBeInstanceOf(CaseNotFoundError);
  });

  it('puts the attorney on the approved list with trustSubmitter, so their next referral pages', async () => {
    const held = await submit({ ...URGENT, ...NEW('new@firm.org') });
    await approveCase(held.referralId, 'staff:lee', p, { trustSubmitter: true });
    expect(await listTrusted(p)).toEqual([{ email: 'new@firm.org', addedBy: 'staff:lee', addedAt: p.clock.now().toISOString() }]);
    expect((await submit({ ...URGENT, ...NEW('new@firm.org') })).status).toBe('paging');
  });

  it('still approves a case stored awaiting verification before sign-in existed', async () => {
    const { referralId } = await submit();
    await p.store.createCase({ ...(await stored(referralId)), referralId: 'MR-OLD00001', status: 'awaiting_verification' });
    expect(await approveCase('MR-OLD00001', 'staff:lee', p)).toEqual({ status: 'awaiting_review' });
  });
});

describe('the approved list', () => {
  it('removes an entry and keeps the others', async () => {
    await trustSubmitter(trustTarget('@partner.org'), 'staff:lee', p);
    await trustSubmitter(trustTarget(ATTORNEY), 'staff:lee', p);
    await untrustSubmitter(trustTarget(ATTORNEY), p);
    expect(await p.store.onTrustedList(ATTORNEY)).toBe(false);
    expect(await listTrusted(p)).toEqual([{ domain: 'partner.org', addedBy: 'staff:lee', addedAt: p.clock.now().toISOString() }]);
  });
});
