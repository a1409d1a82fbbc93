import { beforeEach, describe, expect, it } from 'vitest';
import { hashToken } from '../../shared/tokens.js';
import { onCaseAssigned, onCaseCreated } from '../../shared/usecases/dispatch.js';
import { acceptOffer } from '../../shared/usecases/offers.js';
import { runWave } from '../../shared/usecases/paging.js';
import { sendReceipt } from '../../shared/usecases/receipt.js';
import { caseRecord } from '../fixtures/case.js';
import { coordinatorEntry, doctorEntry, parsedRoster, shiftEntry } from '../fixtures/roster.js';
import { testPorts, type TestPorts } from '../support/fakes.js';

const ANA = doctorEntry();
const BEN = doctorEntry({ id: 'd-ben', name: 'Dr. Ben Ortiz', email: 'ben@example.org', phone: '+15125550102' });
const LEE = coordinatorEntry();
const ATTORNEY = caseRecord().referral.attorney.email;
const ID = caseRecord().referralId;
const ROSTER = parsedRoster({ doctors: [ANA, BEN], coordinators: [LEE], shifts: [shiftEntry(), shiftEntry({ doctorId: 'd-ben' })] });

let p: TestPorts;
beforeEach(async () => {
  p = await testPorts({ roster: ROSTER });
});

const receiptSubject = `Referral ${ID} received`;

describe('the receipt', () => {
  beforeEach(async () => {
    await p.store.createCase(caseRecord());
  });

  it('is sent once with an outcome link whose token only the case keeps a hash of', async () => {
    await sendReceipt(ID, { ...p, baseUrl: p.config.BASE_URL });
    await sendReceipt(ID, { ...p, baseUrl: p.config.BASE_URL });

    const receipts = p.outbox.email.to(ATTORNEY);
    expect(receipts.map((e) => e.subject)).toEqual([receiptSubject]);
    const token = /outcome\/MR-7K3M9QXT#token=([\w-]+)/.exec(receipts[0].text)?.[1];
    const record = await p.store.getCase(ID);
    expect(record).toMatchObject({
      receipt: 'sent',
      outcomeTokenHash: hashToken(token!),
      outcomeTokenExpiresAt: '2026-08-13T17:00:00.000Z',
    });
  });

  it('is sent once however many senders race for it', async () => {
    await Promise.all([1, 2, 3].map(() => sendReceipt(ID, { ...p, baseUrl: p.config.BASE_URL })));
    expect(p.outbox.email.subjects(ATTORNEY)).toEqual([receiptSubject]);
  });

  it('is left pending after a failed send, and the next try sends it with a new token', async () => {
    p.outbox.email.failing = true;
    await expect(sendReceipt(ID, { ...p, baseUrl: p.config.BASE_URL })).rejects.toThrow('email service down');
    const failed = await p.store.getCase(ID);
    expect(failed?.receipt).toBe('pending');

    p.outbox.email.failing = false;
    await sendReceipt(ID, { ...p, baseUrl: p.config.BASE_URL });
    expect(p.outbox.email.subjects(ATTORNEY)).toEqual([receiptSubject]);
    expect((await p.store.getCase(ID))?.outcomeTokenHash).not.toBe(failed?.outcomeTokenHash);
  });
});

describe('a new case on the routine lane', () => {
  it('records it once on the timeline and sends one receipt, however often the record is delivered', async () => {
    await p.store.createCase(caseRecord());
    await onCaseCreated(ID, p);
    await onCaseCreated(ID, p);

    expect((await p.store.timeline(ID)).map((e) => e.event)).toEqual(['received']);
    expect(p.outbox.email.subjects(ATTORNEY)).toEqual([receiptSubject]);
    // an urgent case pages on its own lane: nothing here reached a doctor
    expect(await p.store.listOffers(ID)).toEqual([]);
  });

  it('offers a routine case by email and notices the coordinators once', async () => {
    await p.store.createCase(caseRecord({ status: 'awaiting_review', urgency: 'routine' }));
    await onCaseCreated(ID, p);
    await onCaseCreated(ID, p);

    expect(p.outbox.email.subjects(ANA.email)).toEqual([`Medical review request ${ID}`]);
    expect(p.outbox.email.subjects(LEE.email)).toEqual([`New routine case ${ID}`]);
    expect(p.outbox.email.subjects(ATTORNEY)).toEqual([receiptSubject]);
    expect(p.outbox.sms.sent).toEqual([]);
  });

  it('tells the coordinators once about a held case and offers it to nobody', async () => {
    await p.store.createCase(caseRecord({ status: 'held', holdReason: 'submitter_limit' }));
    await onCaseCreated(ID, p);
    await onCaseCreated(ID, p);

    expect(p.outbox.email.subjects(LEE.email)).toEqual([`Case ${ID} is held for a coordinator`]);
    expect(await p.store.listOffers(ID)).toEqual([]);
    expect(p.outbox.email.to(ATTORNEY)[0].text).toContain('The program reviews this referral');
  });

  it('sets a routine duplicate aside for the coordinators', async () => {
    await p.store.createCase(caseRecord({ status: 'awaiting_review', urgency: 'routine', duplicateOf: 'MR-FIRST000' }));
    await onCaseCreated(ID, p);

    expect(p.outbox.email.to(LEE.email)[0].text).toContain('another open case has the same A-number (MR-FIRST000)');
    expect(await p.store.listOffers(ID)).toEqual([]);
  });
});

describe('a case that got its doctor', () => {
  beforeEach(async () => {
    await p.store.createCase(caseRecord());
    await runWave(ID, 1, p);
    p.clock.advance(1);
    const ana = (await p.store.getOffer(ID, 'd-ana'))!;
    expect(await acceptOffer(ana, p)).toBe('accepted');
    p.clock.advance(1);
  });

  it('withdraws the other open offers, tells those doctors once, and introduces doctor and attorney once', async () => {
    await onCaseAssigned(ID, p);
    await onCaseAssigned(ID, p);

    expect(await p.store.getOffer(ID, 'd-ben')).toMatchObject({ state: 'withdrawn' });
    expect(p.outbox.sms.to(BEN.phone).slice(1)).toEqual([
      `medreview: case ${ID} was accepted by another doctor. No action needed. Thank you.`,
    ]);
    expect(p.outbox.email.subjects(BEN.email)).toEqual([`URGENT Medical review request ${ID}`, `Case ${ID}: no longer needed`]);
    expect(p.outbox.email.subjects(ANA.email)).toEqual([
      `URGENT Medical review request ${ID}`,
      `You accepted ${ID}: the attorney's contact`,
    ]);
    expect(p.outbox.email.subjects(ATTORNEY)).toEqual([`A doctor accepted referral ${ID}`]);
    expect(p.scheduler.names()).toEqual([]);
    expect((await p.store.timeline(ID)).map((e) => e.event)).toEqual(['wave_started', 'accepted', 'introduced']);
  });
});
