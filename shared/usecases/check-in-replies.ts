import type { Ports } from '../deps.js';
import { careNoticeEmail, checkInReply, checkInSms } from '../domain/care-messages.js';
import { checkInAnswer, LAST_ASK_DAY, parseCheckInStep } from '../domain/check-ins.js';
import { dateIn } from '../domain/dates.js';
import type { CaseRecord } from '../domain/types.js';
import { emailCoordinators, sendSafely } from '../messaging.js';

/** What handoffs, check-ins and their replies use (inbound SMS loads this module: it carries no schema). */
export type CarePorts = Pick<Ports, 'store' | 'clock' | 'config' | 'scheduler' | 'sms' | 'email'>;

/** One coordinator notice per case and program day (a `2`, a silence); the rest of that day's go to the timeline only. */
const NOTICE_PERIOD_MS = 86_400_000;

/**
 * An SMS from a number tied to an open handoff (not a doctor's or a coordinator's): `1` or `2` answers
 * the latest check-in sent (or the handoff SMS before the first). `1` goes on the timeline, and at the
 * day-30 check-in marks care established for a coordinator to confirm; `2` tells the coordinators
 * (once per case and day). Anything else is answered with the question again. Undefined when the
 * number has no open handoff: the message is not for this use case.
 */
export async function answerCheckIn(from: string, body: string, p: CarePorts): Promise<string | undefined> {
  const referralId = await p.store.handoffByPhone(from);
  const record = referralId ? await p.store.getCase(referralId) : undefined;
  if (!record?.handoff || record.status !== 'released' || record.release?.patientPhone !== from) return undefined;
  const language = record.release.patientLanguage;
  const answer = checkInAnswer(body);
  if (!answer) return checkInSms(language);
  const id = record.referralId;
  const sent = (await p.store.reminders(id)).filter((r) => {
    const c = parseCheckInStep(r.step);
    return c?.ask && c.handoff === record.handoffNumber && r.state === 'sent';
  });
  const step = sent.sort((a, b) => a.dueAt.localeCompare(b.dueAt)).at(-1)?.step ?? `handoff_h${record.handoffNumber}`;
  const now = p.clock.now().toISOString();
  await p.store.addEvent(id, { at: now, event: 'checkin_reply', details: { step, answer } });
  if (answer === '2') {
    await noticeOnce(record, 'asked for help', [`The patient answered 2 (needs help) to ${step}. Please call them.`], p);
  } else if (parseCheckInStep(step)?.day === LAST_ASK_DAY && (await p.store.markCareEstablished(id, now))) {
    await p.store.addEvent(id, { at: now, event: 'care_established_reported', details: { step } });
    const note = careNoticeEmail(id, 'care established: please confirm', [
      `The patient answered 1 (has an appointment or was seen) to the day-${LAST_ASK_DAY} check-in.`,
      'Confirm with the patient or the clinic, then close the case with the outcome care_established.',
    ]);
    await sendSafely(() => emailCoordinators(note, p), { referralId: id });
  }
  return checkInReply(language, answer);
}

/** Whether the patient answered this check-in. */
export async function answered(referralId: string, step: string, p: Pick<Ports, 'store'>): Promise<boolean> {
  return (await p.store.timeline(referralId)).some((e) => e.event === 'checkin_reply' && e.details?.step === step);
}

/** Emails the coordinators about a case at most once per program day; every notice is on the timeline. */
export async function noticeOnce(record: CaseRecord, subject: string, lines: string[], p: CarePorts): Promise<void> {
  const now = p.clock.now();
  const day = dateIn(now, p.config.PROGRAM_TIME_ZONE);
  const first = await p.store.claimAlert(`care-${record.referralId}-${day}`, now, NOTICE_PERIOD_MS);
  await p.store.addEvent(record.referralId, { at: now.toISOString(), event: 'care_notice', details: { subject, emailed: first } });
  if (first)
    await sendSafely(() => emailCoordinators(careNoticeEmail(record.referralId, subject, lines), p), { referralId: record.referralId });
}
