import type { Ports } from '../deps.js';
import { careNoticeEmail, checkInSms, clinicIntroEmail, handoffSms } from '../domain/care-messages.js';
import type { HandoffInput } from '../domain/clinics.js';
import { checkInPlan, parseCheckInStep, previousAsk } from '../domain/check-ins.js';
import { CaseNotFoundError, CaseStateError, InvalidInputError } from '../domain/errors.js';
import { reminderScheduleName } from '../domain/reminders.js';
import type { CaseRecord, Handoff } from '../domain/types.js';
import { answered, type CarePorts, noticeOnce } from './check-in-replies.js';
import { channelAddress, emailCoordinators, sendSafely, textPatient } from '../messaging.js';

/** What happened to each message of a handoff. */
export type Delivery = 'sent' | 'failed' | 'opted_out' | 'daily_limit' | 'no_consent' | 'no_address' | 'not_repeated';

export interface HandoffResult {
  referralId: string;
  handoff: Handoff;
  /** The clinic superseded by this handoff, when the patient had one already. */
  supersedes?: string;
  patientSms: Delivery;
  /** The patient's language has no template: the SMS went in English and the coordinators were asked to call with an interpreter. */
  interpreterNeeded: boolean;
  clinicEmail: Delivery;
  checkIns: { step: string; dueAt: string }[];
  sharedDocuments: [];
}

/**
 * Hands a released patient over to a clinic of the directory.
 * 1. the case must exist (404) and be released (409); the clinic must be an active one of the directory (422)
 * 2. the same clinic again changes and sends nothing; another clinic supersedes the current handoff
 *    (a conditional write on the handoff number: of two at once, one wins, the other is a 409)
 * 3. the release's day-3 patient reminder and the previous handoff's check-ins are cancelled
 * 4. with SMS consent: the patient's SMS in their language (clinic name, address, phone, hours, what
 *    to bring), their number tied to this case for replies, and the check-ins planned
 * 5. the clinic's email introduces the referral by id; coordinators hear of anything they must do by phone
 */
export async function handOff(referralId: string, input: HandoffInput, actor: string, p: CarePorts): Promise<HandoffResult> {
  const record = await p.store.getCase(referralId);
  if (!record) throw new CaseNotFoundError();
  if (record.status !== 'released' || !record.release) {
    throw new CaseStateError(
      record.status === 'closed' ? 'the case is closed' : 'only a released patient can be handed over: record the release first',
    );
  }
  const clinic = (await p.store.clinics()).find((c) => c.id === input.clinicId && c.active);
  if (!clinic) {
    throw new InvalidInputError('unknown clinic', [{ path: 'clinicId', message: 'is not an active clinic of the directory' }]);
  }
  const current = record.handoff;
  if (current?.clinicId === clinic.id) {
    const checkIns = (await p.store.reminders(referralId)).filter((r) => parseCheckInStep(r.step)?.handoff === current.number);
    return {
      referralId,
      handoff: current,
      patientSms: 'not_repeated',
      interpreterNeeded: false,
      clinicEmail: 'not_repeated',
      checkIns: checkIns.map(({ step, dueAt }) => ({ step, dueAt })),
      sharedDocuments: [],
    };
  }
  const now = p.clock.now();
  const handoff: Handoff = {
    number: (record.handoffNumber ?? 0) + 1,
    clinicId: clinic.id,
    clinicName: clinic.name,
    at: now.toISOString(),
    by: actor,
  };
  if (!(await p.store.recordHandoff(referralId, handoff))) {
    throw new CaseStateError('the case changed meanwhile (another handoff, or it was closed): reload it and try again');
  }
  await p.store.addEvent(referralId, {
    at: handoff.at,
    event: 'handoff',
    actor,
    details: { clinicId: clinic.id, number: handoff.number, ...(current ? { supersedes: current.clinicId } : {}) },
  });
  await cancelPatientReminders(record, p);

  const release = record.release;
  const phone = release.smsConsent ? release.patientPhone : undefined;
  let patientSms: Delivery = 'no_consent';
  let interpreterNeeded = false;
  const checkIns: { step: string; dueAt: string }[] = [];
  if (phone) {
    await p.store.setHandoffPhone(phone, referralId);
    const sms = handoffSms(release.patientLanguage, clinic);
    interpreterNeeded = sms.fallback;
    let texted = 'failed' as Delivery;
    const holder = `handoff:${referralId}:${handoff.number}`;
    await sendSafely(async () => void (texted = await textPatient(phone, sms.text, holder, p)), { referralId });
    patientSms = texted;
    if (patientSms !== 'opted_out') {
      for (const step of checkInPlan(now, handoff.number, p.config.PROGRAM_TIME_ZONE)) {
        await p.store.putReminder({ referralId, step: step.step, dueAt: step.dueAt, audience: 'patient', state: 'scheduled' });
        await p.scheduler.create(reminderScheduleName(step.step, referralId), new Date(step.dueAt), {
          kind: 'reminder',
          referralId,
          step: step.step,
        });
        checkIns.push({ step: step.step, dueAt: step.dueAt });
      }
    }
  }

  const { coordinators } = await p.store.roster();
  let clinicEmail: Delivery = 'no_address';
  if (clinic.email) {
    const intro = clinicIntroEmail({ referralId, clinicName: clinic.name, coordinators: coordinators.map((c) => c.email) });
    clinicEmail = (await sendSafely(() => p.email.send({ to: [clinic.email!], ...intro }), { referralId })) ? 'sent' : 'failed';
  }
  await p.store.addEvent(referralId, {
    at: p.clock.now().toISOString(),
    event: 'handoff_messages',
    details: { patientSms, clinicEmail, interpreterNeeded },
  });

  const todo = [
    ...(interpreterNeeded
      ? [`The patient's language has no SMS template: the SMS went in English. Call the patient with an interpreter.`]
      : []),
    ...(patientSms === 'no_consent' ? ['The patient gets no SMS (no consent or no number): call them with the clinic details.'] : []),
    ...(patientSms === 'opted_out' ? ["The patient's number replied STOP: call them with the clinic details."] : []),
    ...(patientSms === 'daily_limit'
      ? ['The patient already got an SMS today (one a day at most): call them with the clinic details.']
      : []),
    ...(patientSms === 'failed' ? ["The patient's SMS could not be sent: call them with the clinic details."] : []),
    ...(clinicEmail !== 'sent'
      ? [`${clinic.name} got no email: call the clinic at ${clinic.phone} to introduce referral ${referralId}.`]
      : []),
  ];
  if (todo.length) {
    const note = careNoticeEmail(referralId, `handed over to ${clinic.name}: please call`, todo);
    await sendSafely(() => emailCoordinators(note, p), { referralId });
  }
  return {
    referralId,
    handoff,
    ...(current ? { supersedes: current.clinicId } : {}),
    patientSms,
    interpreterNeeded,
    clinicEmail,
    checkIns,
    sharedDocuments: [],
  };
}

/** A handoff replaces the release's day-3 SMS and the check-ins of the handoff it supersedes. */
async function cancelPatientReminders(record: CaseRecord, p: Pick<Ports, 'store' | 'scheduler'>): Promise<void> {
  for (const r of await p.store.reminders(record.referralId)) {
    const checkIn = parseCheckInStep(r.step);
    if (r.step !== 'day3_patient' && !(checkIn && checkIn.handoff !== (record.handoffNumber ?? 0) + 1)) continue;
    if (await p.store.markReminder(record.referralId, r.step, 'scheduled', 'cancelled')) {
      await p.scheduler.delete(reminderScheduleName(r.step, record.referralId));
    }
  }
}

/**
 * A check-in falls due (the timer, like a reminder). Claimed before sending, marked sent after; a failed
 * send puts it back so the retry of the invocation sends it.
 * 1. a closed case, or a handoff superseded since: cancelled, nothing sent
 * 2. no answer to the previous ask → the coordinators are told (once per case and day)
 * 3. an ask: the patient's SMS in their language, unless the number replied STOP
 */
export async function sendCheckIn(referralId: string, step: string, p: CarePorts): Promise<void> {
  const plan = parseCheckInStep(step);
  const record = await p.store.getCase(referralId);
  const reminder = (await p.store.reminders(referralId)).find((r) => r.step === step);
  if (!plan || !record || !reminder) return;
  if (record.status !== 'released' || record.handoffNumber !== plan.handoff) {
    await p.store.markReminder(referralId, step, 'scheduled', 'cancelled');
    return;
  }
  if (!(await p.store.markReminder(referralId, step, 'scheduled', 'sending'))) return;
  const now = p.clock.now().toISOString();
  try {
    const before = previousAsk(step);
    if (before && !(await answered(referralId, before, p))) {
      await noticeOnce(
        record,
        `has not answered the check-in ${before}`,
        ['The patient did not answer the last check-in. Please call them.'],
        p,
      );
    }
    if (plan.ask) {
      const phone = record.release!.patientPhone!;
      if (await p.store.isUnusable(channelAddress('sms', phone))) {
        await p.store.markReminder(referralId, step, 'sending', 'cancelled');
        await p.store.addEvent(referralId, { at: now, event: 'checkin_skipped', details: { step, reason: 'opted_out' } });
        return;
      }
      await textPatient(phone, checkInSms(record.release!.patientLanguage), `checkin:${referralId}:${step}`, p);
    }
  } catch (error) {
    await p.store.markReminder(referralId, step, 'sending', 'scheduled');
    throw error;
  }
  await p.store.markReminder(referralId, step, 'sending', 'sent');
  if (plan.ask) await p.store.addEvent(referralId, { at: now, event: 'checkin_sent', details: { step } });
}
