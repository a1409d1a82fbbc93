import { beforeEach, describe, expect, it } from 'vitest';
import { startPaging } from '../../shared/usecases/dispatch.js';
import { deliverOffer, offerRoutineCase, runWave } from '../../shared/usecases/paging.js';
import { approveCase } from '../../shared/usecases/trust.js';
import { caseRecord } from '../fixtures/case.js';
import { coordinatorEntry, doctorEntry, parsedRoster, shiftEntry } from '../fixtures/roster.js';
import { testPorts, type TestPorts } from '../support/fakes.js';

const ANA = doctorEntry();
const BEN = doctorEntry({ id: 'd-ben', name: 'Dr. Ben Ortiz', email: 'ben@example.org', phone: '+15125550102' });
const CY = doctorEntry({ id: 'd-cy', name: 'Dr. Cy Wu', email: 'cy@example.org', phone: '+15125550103' });
const LEE = coordinatorEntry();
const ID = caseRecord().referralId;

/** Ana primary and Ben backup on shift now, Lee coordinating. */
const ROSTER = parsedRoster({
  doctors: [ANA, BEN],
  coordinators: [LEE],
  shifts: [shiftEntry(), shiftEntry({ doctorId: 'd-ben', role: 'backup' })],
});

let p: TestPorts;
beforeEach(async () => {
  p = await testPorts({ roster: ROSTER });
});

const sentCount = () => p.outbox.sms.sent.length + p.outbox.email.sent.length;

describe('paging waves', () => {
  beforeEach(async () => {
    await p.store.createCase(caseRecord());
  });

  it('claims wave 1 once: the primary gets one SMS and one email, the next wave is scheduled first', async () => {
    await runWave(ID, 1, p);

    const [offer] = await p.store.listOffers(ID);
    expect(offer).toMatchObject({ doctorId: 'd-ana', wave: 1, state: 'open', sms: 'sent', email: 'sent' });
    expect(p.outbox.sms.to(ANA.phone)).toEqual([expect.stringContaining(`Reply YES ${offer.code} to accept`)]);
    expect(p.outbox.email.subjects(ANA.email)).toEqual([`URGENT Medical review request ${ID}`]);
    expect(p.outbox.sms.to(BEN.phone)).toEqual([]);
    const record = await p.store.getCase(ID);
    expect(record).toMatchObject({ status: 'paging', wave: 1, nextWaveAt: '2026-05-15T17:15:00.000Z' });
    expect(p.scheduler.schedules.get(`wave2-${ID}`)).toEqual({
      at: new Date('2026-05-15T17:15:00.000Z'),
      event: { kind: 'wave', referralId: ID, wave: 2 },
    });
    expect((await p.store.timeline(ID)).map((e) => e.event)).toEqual(['wave_started']);
  });

  it('does nothing more when the same wave runs again, or a wave out of turn', async () => {
    await runWave(ID, 1, p);
    const sent = sentCount();

    await runWave(ID, 1, p);
    await runWave(ID, 3, p);

    expect(sentCount()).toBe(sent);
    expect(await p.store.listOffers(ID)).toHaveLength(1);
    expect((await p.store.getCase(ID))?.wave).toBe(1);
    expect((await p.store.timeline(ID)).map((e) => e.event)).toEqual(['wave_started']);
  });

  it('pages the backup in wave 2 and not the primary again', async () => {
    await runWave(ID, 1, p);
    p.clock.advance(15);
    await runWave(ID, 2, p);

    expect(p.outbox.sms.to(ANA.phone)).toHaveLength(1);
    expect(p.outbox.sms.to(BEN.phone)).toHaveLength(1);
    expect((await p.store.listOffers(ID)).map((o) => [o.doctorId, o.wave])).toEqual([
      ['d-ana', 1],
      ['d-ben', 2],
    ]);
    expect(p.scheduler.names()).toEqual([`wave2-${ID}`, `wave3-${ID}`]);
  });

  it('escalates in the final wave: every coordinator paged by SMS and email, once', async () => {
    await runWave(ID, 1, p);
    await runWave(ID, 2, p);
    await runWave(ID, 3, p);
    await runWave(ID, 3, p);

    expect(p.outbox.sms.to(LEE.phone)).toEqual([
      `medreview: URGENT case ${ID} has no doctor after every wave. Please find a volunteer now.`,
    ]);
    expect(p.outbox.email.subjects(LEE.email)).toEqual([`URGENT: no doctor for case ${ID}`]);
    const record = await p.store.getCase(ID);
    expect(record).toMatchObject({ status: 'escalated', wave: 3, escalationSentAt: p.clock.now().toISOString() });
    expect(record?.nextWaveAt).toBeUndefined();
  });

  it('starts the next wave at once when nobody in a wave could be reached', async () => {
    await p.store.replaceRoster(parsedRoster({ doctors: [BEN], shifts: [shiftEntry({ doctorId: 'd-ben', role: 'backup' })] }));

    await runWave(ID, 1, p);

    expect((await p.store.getCase(ID))?.wave).toBe(2);
    expect(p.outbox.sms.to(BEN.phone)).toHaveLength(1);
    expect(p.scheduler.names()).toEqual([`wave3-${ID}`]);
  });

  it('skips a channel marked unusable and reaches the doctor on the other', async () => {
    await p.store.markUnusable(`sms:${ANA.phone}`, 'opted_out', '2026-05-01T00:00:00.000Z');

    await runWave(ID, 1, p);

    expect(p.outbox.sms.sent).toEqual([]);
    expect(p.outbox.email.subjects(ANA.email)).toHaveLength(1);
    expect((await p.store.listOffers(ID))[0]).toMatchObject({ sms: 'skipped', email: 'sent' });
  });

  it('coordinators get one email notice of the case with how many doctors were offered it', async () => {
    await startPaging(ID, p);
    await startPaging(ID, p);

    expect(p.outbox.email.subjects(LEE.email)).toEqual([`New urgent case ${ID}`]);
    expect(p.outbox.email.to(LEE.email)[0].text).toContain('1 doctor(s) were offered the case');
    expect(p.outbox.sms.to(LEE.phone)).toEqual([]);
  });
});

describe('the page budget', () => {
  const TWO_PRIMARIES = parsedRoster({
    doctors: [ANA, BEN, CY],
    coordinators: [LEE],
    shifts: [shiftEntry(), shiftEntry({ doctorId: 'd-ben' }), shiftEntry({ doctorId: 'd-cy', role: 'backup' })],
  });
  beforeEach(async () => {
    p = await testPorts({ roster: TWO_PRIMARIES, config: { PAGE_BUDGET_PER_HOUR: 3 } });
    await p.store.createCase(caseRecord());
    await p.store.createCase(caseRecord({ referralId: 'MR-SECOND00' }));
  });

  it('pages within the budget', async () => {
    await runWave(ID, 1, p);
    expect(p.outbox.sms.sent.map((m) => m.to)).toEqual([ANA.phone, BEN.phone]);
    expect((await p.store.getCase(ID))?.status).toBe('paging');
  });

  it('holds a wave that would go over it, pages nobody, and alerts the coordinators once an hour', async () => {
    await runWave(ID, 1, p);
    await runWave('MR-SECOND00', 1, p);
    p.clock.advance(10);
    await p.store.createCase(caseRecord({ referralId: 'MR-THIRD000' }));
    await runWave('MR-THIRD000', 1, p);

    expect(p.outbox.sms.to(ANA.phone)).toHaveLength(1);
    for (const id of ['MR-SECOND00', 'MR-THIRD000']) {
      const held = await p.store.getCase(id);
      expect(held).toMatchObject({ status: 'held', holdReason: 'page_budget', wave: 1 });
      expect(held?.nextWaveAt).toBeUndefined();
      expect(await p.store.listOffers(id)).toEqual([]);
    }
    expect(p.outbox.sms.to(LEE.phone)).toEqual([expect.stringContaining('page budget reached; urgent case MR-SECOND00')]);
    expect(p.outbox.email.subjects(LEE.email)).toEqual(['Page budget reached: urgent cases are held']);
    expect(p.scheduler.names()).toEqual([`wave2-${ID}`]);
  });

  it('pages a held case a coordinator approved, past the budget, resuming at its wave', async () => {
    await runWave(ID, 1, p);
    await runWave('MR-SECOND00', 1, p);
    expect((await p.store.getCase('MR-SECOND00'))?.status).toBe('held');

    await approveCase('MR-SECOND00', 'staff:lee', p);
    await startPaging('MR-SECOND00', p);

    expect((await p.store.listOffers('MR-SECOND00')).map((o) => [o.doctorId, o.wave, o.sms])).toEqual([
      ['d-ana', 1, 'sent'],
      ['d-ben', 1, 'sent'],
    ]);
    expect(await p.store.getCase('MR-SECOND00')).toMatchObject({ status: 'paging', wave: 1, approvedBy: 'staff:lee' });
    expect(p.scheduler.names()).toContain('wave2-MR-SECOND00');
  });
});

describe('routine cases', () => {
  const ROUTINE = caseRecord({ referralId: 'MR-ROUTINE0', status: 'awaiting_review', urgency: 'routine', reasons: [] });

  it('emails an offer to every available doctor outside quiet hours, texts nobody, and notices the coordinators once', async () => {
    const asleep = doctorEntry({ ...CY, quietHours: { start: '11:00', end: '13:00' } });
    await p.store.replaceRoster(parsedRoster({ doctors: [ANA, BEN, asleep], coordinators: [LEE], shifts: [] }));
    await p.store.createCase(ROUTINE);

    await offerRoutineCase(ROUTINE, p);
    await offerRoutineCase(ROUTINE, p);

    expect(p.outbox.sms.sent).toEqual([]);
    expect(p.outbox.email.subjects(ANA.email)).toEqual(['Medical review request MR-ROUTINE0']);
    expect(p.outbox.email.subjects(BEN.email)).toEqual(['Medical review request MR-ROUTINE0']);
    expect(p.outbox.email.to(CY.email)).toEqual([]);
    expect((await p.store.listOffers('MR-ROUTINE0')).map((o) => [o.doctorId, o.sms, o.email])).toEqual([
      ['d-ana', 'skipped', 'sent'],
      ['d-ben', 'skipped', 'sent'],
    ]);
    expect(p.outbox.email.subjects(LEE.email)).toEqual(['New routine case MR-ROUTINE0']);
    expect(p.outbox.email.to(LEE.email)[0].text).toContain('2 doctor(s) were offered the case');
  });

  it('leaves out a doctor at capacity', async () => {
    await p.store.replaceRoster(parsedRoster({ doctors: [ANA, { ...BEN, maxOpenCases: 0 }], coordinators: [LEE], shifts: [] }));
    await p.store.createCase(ROUTINE);

    await offerRoutineCase(ROUTINE, p);

    expect((await p.store.listOffers('MR-ROUTINE0')).map((o) => o.doctorId)).toEqual(['d-ana']);
  });
});

describe('delivering an offer', () => {
  it('puts a channel whose send failed back to pending and has the sweeper look at the case', async () => {
    await p.store.createCase(caseRecord());
    p.outbox.email.failing = true;

    await runWave(ID, 1, p);

    const [offer] = await p.store.listOffers(ID);
    expect(offer).toMatchObject({ sms: 'sent', email: 'pending' });
    expect(await p.store.dueCases(p.clock.now().toISOString(), 10)).toEqual([{ referralId: ID, sweepAt: p.clock.now().toISOString() }]);

    p.outbox.email.failing = false;
    const record = (await p.store.getCase(ID))!;
    expect(await deliverOffer(offer, parsedRoster({ doctors: [ANA] }).doctors[0], record, p)).toBe(1);
    expect(await deliverOffer(offer, parsedRoster({ doctors: [ANA] }).doctors[0], record, p)).toBe(0);
    expect(p.outbox.email.subjects(ANA.email)).toHaveLength(1);
    expect((await p.store.listOffers(ID))[0]).toMatchObject({ sms: 'sent', email: 'sent' });
  });
});
