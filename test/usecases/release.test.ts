import { beforeEach, describe, expect, it } from 'vitest';
import { CaseClosedError, CaseNotFoundError } from '../../shared/domain/errors.js';
import { patientReminderText } from '../../shared/domain/reminders.js';
import type { Release } from '../../shared/domain/types.js';
import { runWave } from '../../shared/usecases/paging.js';
import { closeCase, recordRelease, sendReminder } from '../../shared/usecases/release.js';
import { caseRecord } from '../fixtures/case.js';
import { coordinatorEntry, doctorEntry, parsedRoster, shiftEntry } from '../fixtures/roster.js';
import { testPorts, type TestPorts } from '../support/fakes.js';

const LEE = coordinatorEntry();
const ID = caseRecord().referralId;
const PATIENT = '+15125550177';
/** Released the day before the fixtures' day; the patient agreed to SMS reminders in Spanish. */
const RELEASE: Release = { releasedOn: '2026-05-14', state: 'TX', patientPhone: PATIENT, patientLanguage: 'es', smsConsent: true };

let p: TestPorts;
beforeEach(async () => {
  p = await testPorts({ roster: parsedRoster({ doctors: [doctorEntry()], coordinators: [LEE], shifts: [shiftEntry()] }) });
  await p.store.createCase(caseRecord());
});

describe('recording a release', () => {
  it('stops paging and plans every follow-up reminder at 09:00 program time, the overdue one a minute from now', async () => {
    await runWave(ID, 1, p);

    const result = await recordRelease(ID, RELEASE, 'staff:lee', p);

    expect(result).toEqual({
      status: 'released',
      reminders: [
        { step: 'day1_coordinator', dueAt: '2026-05-15T17:01:00.000Z', audience: 'coordinator' },
        { step: 'day3_patient', dueAt: '2026-05-17T14:00:00.000Z', audience: 'patient' },
        { step: 'day7_coordinator', dueAt: '2026-05-21T14:00:00.000Z', audience: 'coordinator' },
        { step: 'day30_coordinator', dueAt: '2026-06-13T14:00:00.000Z', audience: 'coordinator' },
      ],
    });
    const record = await p.store.getCase(ID);
    expect(record).toMatchObject({ status: 'released', release: RELEASE });
    expect(record?.nextWaveAt).toBeUndefined();
    expect((await p.store.listOffers(ID)).map((o) => o.state)).toEqual(['withdrawn']);
    expect(p.scheduler.names()).toEqual(
      ['day1_coordinator', 'day30_coordinator', 'day3_patient', 'day7_coordinator'].map((s) => `rem-${s}-${ID}`),
    );
    expect(p.scheduler.schedules.get(`rem-day3_patient-${ID}`)?.event).toEqual({ kind: 'reminder', referralId: ID, step: 'day3_patient' });
  });

  it('adds nothing when recorded again, and keeps the first release', async () => {
    await recordRelease(ID, RELEASE, 'staff:lee', p);
    const again = await recordRelease(ID, { ...RELEASE, releasedOn: '2026-05-10' }, 'attorney', p);

    expect(again.reminders).toHaveLength(4);
    expect((await p.store.reminders(ID)).map((r) => r.step)).toHaveLength(4);
    expect((await p.store.getCase(ID))?.release).toEqual(RELEASE);
    expect((await p.store.timeline(ID)).filter((e) => e.event === 'released')).toHaveLength(1);
  });

  it('plans no patient reminder without SMS consent', async () => {
    const result = await recordRelease(ID, { ...RELEASE, smsConsent: false }, 'staff:lee', p);
    expect(result.reminders.map((r) => r.audience)).toEqual(['coordinator', 'coordinator', 'coordinator']);
  });

  it('refuses a closed case and an unknown one', async () => {
    await closeCase(ID, 'withdrawn', 'staff:lee', p);
    await expect(recordRelease(ID, RELEASE, 'staff:lee', p)).rejects.toBeInstanceOf(CaseClosedError);
    await expect(recordRelease('MR-NOPE0000', RELEASE, 'staff:lee', p)).rejects.toBeInstanceOf(CaseNotFoundError);
  });
});

describe('follow-up reminders', () => {
  beforeEach(async () => {
    await recordRelease(ID, RELEASE, 'staff:lee', p);
  });

  it('texts the patient once in their language', async () => {
    await sendReminder(ID, 'day3_patient', p);
    await sendReminder(ID, 'day3_patient', p);

    expect(p.outbox.sms.to(PATIENT)).toEqual([patientReminderText('es').text]);
    expect((await p.store.reminders(ID)).find((r) => r.step === 'day3_patient')?.state).toBe('sent');
    expect((await p.store.timeline(ID)).filter((e) => e.event === 'reminder_sent')).toHaveLength(1);
  });

  it('pages the coordinators by SMS and email for their steps', async () => {
    await sendReminder(ID, 'day1_coordinator', p);
    expect(p.outbox.sms.to(LEE.phone)).toEqual([expect.stringContaining(`case ${ID} released yesterday`)]);
    expect(p.outbox.email.subjects(LEE.email)).toEqual([`Follow-up due: case ${ID}`]);
  });

  it('sends nothing to a patient who replied STOP, and says so on the timeline', async () => {
    await p.store.markUnusable(`sms:${PATIENT}`, 'opted_out', '2026-05-15T00:00:00.000Z');
    await sendReminder(ID, 'day3_patient', p);

    expect(p.outbox.sms.to(PATIENT)).toEqual([]);
    expect((await p.store.reminders(ID)).find((r) => r.step === 'day3_patient')?.state).toBe('cancelled');
    expect((await p.store.timeline(ID)).find((e) => e.event === 'reminder_skipped')?.details).toEqual({
      step: 'day3_patient',
      reason: 'opted_out',
    });
  });

  it('puts a reminder back when its send failed, so the retry sends it', async () => {
    p.outbox.sms.failing = true;
    await expect(sendReminder(ID, 'day3_patient', p)).rejects.toThrow('sms service down');
    expect((await p.store.reminders(ID)).find((r) => r.step === 'day3_patient')?.state).toBe('scheduled');

    p.outbox.sms.failing = false;
    await sendReminder(ID, 'day3_patient', p);
    expect(p.outbox.sms.to(PATIENT)).toHaveLength(1);
  });

  it('fails a coordinators’ reminder that reached nobody, so it is retried; one that reached someone is sent', async () => {
    p.outbox.sms.failing = true;
    p.outbox.email.failing = true;
    await expect(sendReminder(ID, 'day1_coordinator', p)).rejects.toThrow('no coordinator could be told');
    expect((await p.store.reminders(ID)).find((r) => r.step === 'day1_coordinator')?.state).toBe('scheduled');

    p.outbox.email.failing = false;
    await sendReminder(ID, 'day1_coordinator', p);
    expect((await p.store.reminders(ID)).find((r) => r.step === 'day1_coordinator')?.state).toBe('sent');
    expect(p.outbox.email.sent).toHaveLength(1);
  });

  it('sends nothing once the case is closed: closing deletes every schedule and cancels what is pending', async () => {
    await sendReminder(ID, 'day1_coordinator', p);
    const sent = p.outbox.sms.sent.length;

    expect(await closeCase(ID, 'care_established', 'staff:lee', p)).toEqual({ status: 'closed' });
    expect(await closeCase(ID, 'withdrawn', 'staff:lee', p)).toEqual({ status: 'closed' });
    await sendReminder(ID, 'day3_patient', p);

    expect(p.outbox.sms.sent).toHaveLength(sent);
    expect(p.scheduler.names()).toEqual([]);
    expect((await p.store.reminders(ID)).map((r) => [r.step, r.state])).toEqual([
      ['day1_coordinator', 'sent'],
      ['day30_coordinator', 'cancelled'],
      ['day3_patient', 'cancelled'],
      ['day7_coordinator', 'cancelled'],
    ]);
    expect(await p.store.getCase(ID)).toMatchObject({ status: 'closed', outcome: 'care_established' });
    expect((await p.store.timeline(ID)).filter((e) => e.event === 'closed')).toHaveLength(1);
  });
});
