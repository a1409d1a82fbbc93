import { beforeEach, describe, expect, it } from 'vitest';
import { CaseNotFoundError, CaseStateError, LinkInvalidError, LinkUsedError } from '../../shared/domain/errors.js';
import { onCaseCreated } from '../../shared/usecases/dispatch.js';
import { submitReferral } from '../../shared/usecases/intake.js';
import {
  approveCase,
  isTrusted,
  listTrusted,
  trustSubmitter,
  trustTarget,
  untrustSubmitter,
  verifySubmitter,
} from '../../shared/usecases/trust.js';
import { freshANumber, parsedReferral, TODAY, type ReferralOverrides } from '../fixtures/referral.js';
import { coordinatorEntry, parsedRoster } from '../fixtures/roster.js';
import { fakeKeyedHash, testPorts, type TestPorts } from '../support/fakes.js';

const LEE = coordinatorEntry();
const ATTORNEY = 'ana.perez@example.org';
const URGENT = { medical: { attorneyUrgency: 'urgent' } } as const;

let p: TestPorts;
beforeEach(async () => {
  p = await testPorts({ roster: parsedRoster({ doctors: [], coordinators: [LEE], shifts: [] }) });
});

/** Submits a referral about a new person (unless the overrides name one) as intake does. */
const submit = (overrides: ReferralOverrides = {}) =>
  submitReferral(parsedReferral({ client: { aNumber: freshANumber() }, ...overrides }), TODAY, { ...p, keyedHash: fakeKeyedHash });
const verificationToken = () => /#token=([\w-]+)/.exec(p.outbox.email.to(ATTORNEY).at(-1)!.text)![1];

describe('intake and trust', () => {
  it('holds every referral of an unknown address for verification, with one verification email an hour and no receipt', async () => {
    const first = await submit(URGENT);
    const second = await submit();
    expect([first.status, second.status]).toEqual(['awaiting_verification', 'awaiting_verification']);
    expect(await p.store.waitingReferrals(ATTORNEY)).toEqual([first.referralId, second.referralId].sort());

    await onCaseCreated(first.referralId, p);
    await onCaseCreated(second.referralId, p);
    await onCaseCreated(first.referralId, p);

    expect(p.outbox.email.subjects(ATTORNEY)).toEqual(['Confirm your email address to start the medical review']);
    expect(p.outbox.email.subjects(LEE.email)).toEqual([`Urgent case ${first.referralId} awaits verification`]);
  });

  it('gives the verification email claim back when the send fails', async () => {
    const { referralId } = await submit();
    p.outbox.email.failing = true;
    await expect(onCaseCreated(referralId, p)).rejects.toThrow('email service down');
    p.outbox.email.failing = false;
    await onCaseCreated(referralId, p);
    expect(p.outbox.email.subjects(ATTORNEY)).toHaveLength(1);
  });

  it('pages or offers at once for an address on the trusted list (or its domain)', async () => {
    await trustSubmitter(trustTarget('@Example.org'), 'staff:lee', p);
    expect(await isTrusted('Ana.Perez@example.org', p)).toBe(true);
    expect((await submit(URGENT)).status).toBe('paging');
    expect((await submit()).status).toBe('awaiting_review');
  });

  it('holds a trusted submitter’s duplicate and urgent referrals beyond the daily limit', async () => {
    await trustSubmitter(trustTarget(ATTORNEY), 'staff:lee', p);
    const aNumber = freshANumber();
    const first = await submit({ ...URGENT, client: { aNumber } });
    p.clock.advance(1);
    const urgentDuplicate = await submit({ ...URGENT, client: { aNumber } });
    p.clock.advance(1);
    const routineDuplicate = await submit({ client: { aNumber } });
    expect(await p.store.getCase(urgentDuplicate.referralId)).toMatchObject({
      status: 'held',
      holdReason: 'duplicate',
      duplicateOf: first.referralId,
    });
    // the newest open case with that A-number
    expect(await p.store.getCase(routineDuplicate.referralId)).toMatchObject({
      status: 'awaiting_review',
      duplicateOf: urgentDuplicate.referralId,
    });

    const more = [await submit(URGENT), await submit(URGENT), await submit(URGENT)];
    expect(more.map((r) => r.status)).toEqual(['paging', 'paging', 'held']);
    expect((await p.store.getCase(more[2].referralId))?.holdReason).toBe('submitter_limit');
    p.clock.advance(24 * 60 + 1);
    expect((await submit(URGENT)).status).toBe('paging');
  });

  it('does not let an unverified referral hold a real one as a duplicate', async () => {
    const aNumber = freshANumber();
    await submit({ ...URGENT, attorney: { email: 'stranger@elsewhere.org' }, client: { aNumber } });
    await trustSubmitter(trustTarget(ATTORNEY), 'staff:lee', p);
    expect((await submit({ ...URGENT, client: { aNumber } })).status).toBe('paging');
  });
});

describe('verifying an address', () => {
  it('trusts the address for 180 days and admits its waiting referrals, once', async () => {
    const urgent = await submit(URGENT);
    const routine = await submit();
    await onCaseCreated(urgent.referralId, p);
    const token = verificationToken();

    const result = await verifySubmitter(token, p);

    expect(result).toEqual({ verified: true, referralIds: [urgent.referralId, routine.referralId].sort() });
    expect((await p.store.getCase(urgent.referralId))?.status).toBe('paging');
    expect((await p.store.getCase(routine.referralId))?.status).toBe('awaiting_review');
    expect(await p.store.waitingReferrals(ATTORNEY)).toEqual([]);
    expect(await p.store.verifiedUntil(ATTORNEY)).toBe('2026-11-11T17:00:00.000Z');
    expect((await p.store.timeline(urgent.referralId)).map((e) => e.event)).toContain('submitter_verified');
    await expect(verifySubmitter(token, p)).rejects.toBeInstanceOf(LinkUsedError);
    expect((await submit(URGENT)).status).toBe('paging');
  });

  it('refuses an unknown token and an expired one', async () => {
    const { referralId } = await submit();
    await onCaseCreated(referralId, p);
    await expect(verifySubmitter('not-a-token', p)).rejects.toBeInstanceOf(LinkInvalidError);
    p.clock.advance(24 * 60);
    await expect(verifySubmitter(verificationToken(), p)).rejects.toBeInstanceOf(LinkUsedError);
    expect((await p.store.getCase(referralId))?.status).toBe('awaiting_verification');
  });

  it('makes an untrusted address verify again, and keeps the others', async () => {
    await trustSubmitter(trustTarget('@partner.org'), 'staff:lee', p);
    await p.store.setVerified(ATTORNEY, '2026-11-11T17:00:00.000Z');
    await untrustSubmitter(trustTarget(ATTORNEY), p);
    expect(await isTrusted(ATTORNEY, p)).toBe(false);
    expect(await listTrusted(p)).toEqual([{ domain: 'partner.org', addedBy: 'staff:lee', addedAt: p.clock.now().toISOString() }]);
  });
});

describe('approving a case', () => {
  it('lets a held urgent case page and a routine one wait for review; nothing else', async () => {
    await trustSubmitter(trustTarget(ATTORNEY), 'staff:lee', p);
    const aNumber = freshANumber();
    await submit({ ...URGENT, client: { aNumber } });
    const held = await submit({ ...URGENT, client: { aNumber } });
    const waiting = await submit({ attorney: { email: 'stranger@elsewhere.org' } });

    expect(await approveCase(held.referralId, 'staff:lee', p)).toEqual({ status: 'paging' });
    expect(await approveCase(waiting.referralId, 'staff:lee', p)).toEqual({ status: 'awaiting_review' });
    const approved = await p.store.getCase(held.referralId);
    expect(approved).toMatchObject({ approvedBy: 'staff:lee', approvedAt: p.clock.now().toISOString() });
    expect(approved?.holdReason).toBeUndefined();
    await expect(approveCase(held.referralId, 'staff:lee', p)).rejects.toBeInstanceOf(CaseStateError);
    await expect(approveCase('MR-NOPE0000', 'staff:lee', p)).rejects.toBeInstanceOf(CaseNotFoundError);
  });
});
