import { beforeEach, describe, expect, it } from 'vitest';
import { onDeliveryFailure } from '../../shared/usecases/delivery.js';
import { runWave } from '../../shared/usecases/paging.js';
import { checkRoster, importRoster, rosterWithChannels } from '../../shared/usecases/roster.js';
import { caseRecord, offerRecord } from '../fixtures/case.js';
import { coordinatorEntry, doctorEntry, NOON_CHICAGO, parsedRoster, rosterDocument, shiftEntry } from '../fixtures/roster.js';
import { testPorts, type TestPorts } from '../support/fakes.js';

const ANA = doctorEntry();
const BEN = doctorEntry({ id: 'd-ben', name: 'Dr. Ben Ortiz', email: 'ben@example.org', phone: '+15125550102' });
const LEE = coordinatorEntry();

let p: TestPorts;
beforeEach(async () => {
  p = await testPorts();
});

describe('importing a roster', () => {
  it('replaces the stored roster and counts what it holds', async () => {
    await importRoster(rosterDocument({ doctors: [ANA, BEN] }), p.store);
    expect(await importRoster(rosterDocument(), p.store)).toEqual({ ok: true, doctors: 1, coordinators: 1, shifts: 1 });
    expect(await p.store.roster()).toEqual(parsedRoster());
  });

  it('lists every error and changes nothing', async () => {
    await importRoster(rosterDocument(), p.store);
    const result = await importRoster(rosterDocument({ doctors: [{ ...ANA, phone: 'nope' }], coordinators: [] }), p.store);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['doctors.0.phone', 'coordinators']));
    expect(await p.store.roster()).toEqual(parsedRoster());
  });
});

describe('checking the roster', () => {
  it('reports the coverage gaps of the coming days and the doctors nobody can reach', async () => {
    await importRoster(rosterDocument({ doctors: [ANA, BEN], shifts: [shiftEntry()] }), p.store);
    await p.store.markUnusable(`sms:${BEN.phone}`, 'opted_out', '2026-05-01T00:00:00.000Z');
    await p.store.markUnusable(`email:${BEN.email}`, 'bounced', '2026-05-01T00:00:00.000Z');
    await p.store.markUnusable(`sms:${ANA.phone}`, 'failed', '2026-05-01T00:00:00.000Z');

    const report = await checkRoster(p.store, NOON_CHICAGO, 2, 'America/Chicago');

    expect(report).toEqual({
      from: '2026-05-15T17:00:00.000Z',
      to: '2026-05-17T17:00:00.000Z',
      gaps: [{ start: '2026-05-16T13:00:00.000Z', end: '2026-05-17T17:00:00.000Z', specialty: 'general' }],
      unreachable: ['d-ben'],
    });
    expect((await rosterWithChannels(p.store)).doctors.map((d) => [d.id, d.unusable])).toEqual([
      ['d-ana', ['sms']],
      ['d-ben', ['sms', 'email']],
    ]);
  });
});

describe('a channel that failed for good', () => {
  beforeEach(async () => {
    p = await testPorts({ roster: parsedRoster({ doctors: [ANA], coordinators: [LEE], shifts: [shiftEntry()] }) });
  });

  it('is never used again, and the coordinators are told once', async () => {
    const failure = { channel: 'email' as const, address: ANA.email, reason: 'bounced' };
    await onDeliveryFailure(failure, p);
    await onDeliveryFailure(failure, p);

    expect(await p.store.isUnusable(`email:${ANA.email}`)).toBe(true);
    expect(p.outbox.email.subjects(LEE.email)).toEqual([
      'Staffing: Dr. Ana Ruiz (d-ana) cannot be reached at their email address (bounced); it will not be used again',
    ]);
    await p.store.createCase(caseRecord());
    await runWave(caseRecord().referralId, 1, p);
    expect(p.outbox.email.to(ANA.email)).toEqual([]);
  });

  it('moves a routine offer to SMS when the email bounced, outside the doctor’s quiet hours', async () => {
    const routine = caseRecord({ status: 'awaiting_review', urgency: 'routine' });
    await p.store.createCase(routine);
    await p.store.createOffer(offerRecord({ sms: 'skipped', email: 'sent' }), 0);

    await onDeliveryFailure({ channel: 'email', address: ANA.email, reason: 'bounced' }, p);

    expect(p.outbox.sms.to(ANA.phone)).toEqual([expect.stringContaining('Reply YES 4821 to accept')]);
    expect(await p.store.getOffer(routine.referralId, 'd-ana')).toMatchObject({ sms: 'sent' });
  });
});
