import { beforeEach, describe, expect, it } from 'vitest';
import { acceptOffer } from '../../shared/usecases/offers.js';
import { runWave } from '../../shared/usecases/paging.js';
import { sweep } from '../../shared/usecases/sweeper.js';
import { caseRecord } from '../fixtures/case.js';
import { coordinatorEntry, doctorEntry, parsedRoster, shiftEntry } from '../fixtures/roster.js';
import { testPorts, type TestPorts } from '../support/fakes.js';

const ANA = doctorEntry();
const BEN = doctorEntry({ id: 'd-ben', name: 'Dr. Ben Ortiz', email: 'ben@example.org', phone: '+15125550102' });
const LEE = coordinatorEntry();
const ID = caseRecord().referralId;
const ATTORNEY = caseRecord().referral.attorney.email;

let p: TestPorts;
beforeEach(async () => {
  p = await testPorts({
    roster: parsedRoster({
      doctors: [ANA, BEN],
      coordinators: [LEE],
      shifts: [shiftEntry(), shiftEntry({ doctorId: 'd-ben', role: 'backup' })],
    }),
  });
  await p.store.createCase(caseRecord());
});

describe('the sweeper', () => {
  it('leaves a new case to the normal path during the grace period', async () => {
    expect(await sweep(p)).toMatchObject({ checked: 0, dispatched: 0 });
    expect(p.outbox.sms.sent).toEqual([]);
  });

  it('dispatches a case whose stream record was lost, once however often it runs', async () => {
    p.clock.advance(3);
    expect(await sweep(p)).toEqual({ checked: 1, dispatched: 1, waves: 0, deliveries: 0, failed: 0, more: false });
    await sweep(p);

    expect(p.outbox.sms.to(ANA.phone)).toHaveLength(1);
    expect(p.outbox.email.subjects(ATTORNEY)).toEqual([`Referral ${ID} received`]);
    expect(p.outbox.email.subjects(LEE.email)).toEqual([`New urgent case ${ID}`]);
    // the wave it ran set its own time to look again; the next look finds nothing to do and waits for the next wave
    expect(await p.store.dueCases('2099-01-01T00:00:00.000Z', 10)).toEqual([{ referralId: ID, sweepAt: '2026-05-15T17:03:00.000Z' }]);
    p.clock.advance(3);
    expect(await sweep(p)).toEqual({ checked: 1, dispatched: 0, waves: 0, deliveries: 0, failed: 0, more: false });
    expect(await p.store.dueCases('2099-01-01T00:00:00.000Z', 10)).toEqual([{ referralId: ID, sweepAt: '2026-05-15T17:18:00.000Z' }]);
    expect(p.outbox.sms.sent).toHaveLength(1);
  });

  it('runs a wave whose schedule was lost once it is overdue', async () => {
    await runWave(ID, 1, p);
    await p.store.finishReceipt(ID, 'sent');
    p.scheduler.schedules.clear();
    p.clock.advance(18);

    const report = await sweep(p);

    expect(report).toMatchObject({ checked: 1, waves: 1, dispatched: 1 });
    expect((await p.store.getCase(ID))?.wave).toBe(2);
    expect(p.outbox.sms.to(BEN.phone)).toHaveLength(1);
  });

  it('sends an offer channel a failed send left pending, and nothing twice', async () => {
    p.outbox.email.failing = true;
    await runWave(ID, 1, p);
    p.outbox.email.failing = false;
    p.clock.advance(3);

    const report = await sweep(p);
    await sweep(p);

    expect(report.deliveries).toBe(1);
    expect(p.outbox.email.subjects(ANA.email)).toEqual([`URGENT Medical review request ${ID}`]);
    expect(p.outbox.sms.to(ANA.phone)).toHaveLength(1);
    expect((await p.store.listOffers(ID))[0]).toMatchObject({ sms: 'sent', email: 'sent' });
  });

  it('drops a case from its list once nothing more can fall due', async () => {
    await runWave(ID, 1, p);
    await acceptOffer((await p.store.getOffer(ID, 'd-ana'))!, p);
    p.clock.advance(3);

    expect((await sweep(p)).checked).toBe(1);
    expect(await p.store.dueCases('2099-01-01T00:00:00.000Z', 10)).toEqual([]);
    expect((await sweep(p)).checked).toBe(0);
  });
});
