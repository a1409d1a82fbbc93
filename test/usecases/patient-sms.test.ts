import { beforeEach, describe, expect, it } from 'vitest';
import { textPatient } from '../../shared/messaging.js';
import { sendReminder } from '../../shared/usecases/release.js';
import { caseRecord } from '../fixtures/case.js';
import { testPorts, type TestPorts } from '../support/fakes.js';

const PATIENT = '+15125550177';

let p: TestPorts;
beforeEach(async () => {
  p = await testPorts();
});

describe('texting a patient', () => {
  it('sends one SMS per number and program day, whoever asks; the next day another', async () => {
    expect(await textPatient(PATIENT, 'first', 'reminder:MR-A:day3_patient', p)).toBe('sent');
    expect(await textPatient(PATIENT, 'second', 'reminder:MR-B:day3_patient', p)).toBe('daily_limit');
    expect(await textPatient('+15125550178', 'other number', 'reminder:MR-B:day3_patient', p)).toBe('sent');

    p.clock.advance(12 * 60); // past midnight in Chicago (the fixtures' clock is at noon there)
    expect(await textPatient(PATIENT, 'next day', 'reminder:MR-B:day3_patient', p)).toBe('sent');

    expect(p.outbox.sms.to(PATIENT)).toEqual(['first', 'next day']);
  });

  it('lets the send that claimed the day send again (a retry after a failure)', async () => {
    p.outbox.sms.failing = true;
    await expect(textPatient(PATIENT, 'hello', 'reminder:MR-A:day3_patient', p)).rejects.toThrow('sms service down');
    p.outbox.sms.failing = false;

    expect(await textPatient(PATIENT, 'hello', 'reminder:MR-A:day3_patient', p)).toBe('sent');
    expect(await textPatient(PATIENT, 'hello', 'handoff:MR-A', p)).toBe('daily_limit');
    expect(p.outbox.sms.to(PATIENT)).toEqual(['hello']);
  });

  it('sends nothing to a number that replied STOP, and keeps its day unclaimed', async () => {
    await p.store.markUnusable(`sms:${PATIENT}`, 'opted_out', p.clock.now().toISOString());
    expect(await textPatient(PATIENT, 'hello', 'reminder:MR-A:day3_patient', p)).toBe('opted_out');
    await p.store.markUsable(`sms:${PATIENT}`);
    expect(await textPatient(PATIENT, 'hello', 'reminder:MR-B:day3_patient', p)).toBe('sent');
  });
});

describe("a patient reminder reads the patient's consent when it is sent", () => {
  const ID = caseRecord().referralId;

  it.each([
    ['consent withdrawn', { smsConsent: false, patientPhone: PATIENT }],
    ['no phone', { smsConsent: true }],
  ])('sends nothing when the stored release has %s, and says so on the timeline', async (_, stored) => {
    const release = { releasedOn: '2026-05-14', state: 'TX', patientLanguage: 'es', ...stored };
    await p.store.createCase(caseRecord({ status: 'released', release }));
    // planned while the release still said yes (a race, or data from before the check)
    await p.store.putReminder({
      referralId: ID,
      step: 'day3_patient',
      dueAt: '2026-05-17T14:00:00.000Z',
      audience: 'patient',
      state: 'scheduled',
    });

    await sendReminder(ID, 'day3_patient', p);

    expect(p.outbox.sms.sent).toEqual([]);
    expect((await p.store.reminders(ID))[0].state).toBe('cancelled');
    expect((await p.store.timeline(ID)).map((e) => e.details)).toEqual([{ step: 'day3_patient', reason: 'no_consent' }]);
  });
});
