import type { Deps, Ports } from '../deps.js';
import { dateIn } from '../domain/dates.js';
import { message, staffingEmail } from '../domain/messages.js';
import { coordinatorReminderText, patientReminderText, REMINDER_PLAN, reminderPlan, reminderScheduleName } from '../domain/reminders.js';
import type { CloseOutcome, Release, Status } from '../domain/types.js';
import { CaseClosedError, CaseNotFoundError } from '../domain/errors.js';
import { emailCoordinators, sendSafely, textPatient } from '../messaging.js';
import { retainDocuments } from './documents.js';
import { deleteWaveSchedules } from './paging.js';

export interface ReleaseResult {
  status: 'released';
  reminders: { step: string; dueAt: string; audience: string }[];
}

/**
 * Records a client's release and plans the follow-up (staff endpoint and the attorney's outcome page).
 * 1. the case must exist (404) and not be closed (409)
 * 2. status `released`, release details kept (the first release stored wins; a racing or later one goes on
 *    with it); paging stopped (wave schedules deleted, open offers withdrawn)
 * 3. each reminder of the plan: an item (conditional put) and a one-time schedule whose name carries the
 *    step and the referral id — recording the release again finds both and adds nothing
 */
export async function recordRelease(
  referralId: string,
  release: Release,
  actor: string,
  p: Pick<Ports, 'store' | 'clock' | 'config' | 'scheduler'>,
): Promise<ReleaseResult> {
  const record = await p.store.getCase(referralId);
  if (!record) throw new CaseNotFoundError();
  if (record.status === 'closed') throw new CaseClosedError();
  const now = p.clock.now();
  let kept = record.release ?? (await keepRelease(referralId, release, actor, now.toISOString(), p));
  if (record.release && carePlaceChanged(record.release, release)) {
    // recording it again may add or correct where the patient goes; the date and reminders stay
    const { zip, needs, insured } = release;
    kept = { ...record.release, zip, needs, insured };
    await p.store.updateRelease(referralId, kept);
    await p.store.addEvent(referralId, { at: now.toISOString(), event: 'release_updated', actor });
  }
  await stopPaging(referralId, now.toISOString(), p); // every time: a retry finishes what a failed call began
  const earliest = new Date(now.getTime() + 60_000);
  for (const step of reminderPlan(kept, p.config.PROGRAM_TIME_ZONE)) {
    // a release recorded late still gets every reminder, the overdue ones a minute from now
    const dueAt = new Date(Math.max(Date.parse(step.dueAt), earliest.getTime()));
    await p.store.putReminder({ referralId, step: step.step, dueAt: dueAt.toISOString(), audience: step.audience, state: 'scheduled' });
  }
  const reminders = await p.store.reminders(referralId);
  for (const r of reminders.filter((x) => x.state === 'scheduled')) {
    await p.scheduler.create(reminderScheduleName(r.step, referralId), new Date(r.dueAt), { kind: 'reminder', referralId, step: r.step });
  }
  const order = REMINDER_PLAN.map((s) => s.step);
  return {
    status: 'released',
    reminders: reminders
      .sort((a, b) => order.indexOf(a.step) - order.indexOf(b.step))
      .map(({ step, dueAt, audience }) => ({ step, dueAt, audience })),
  };
}

/**
 * Stores the release unless one was stored first (a conditional write: of two requests racing, one
 * wins); the loser goes on with what was stored, so one release and one plan exist, built from it.
 */
async function keepRelease(referralId: string, release: Release, actor: string, at: string, p: Pick<Ports, 'store'>): Promise<Release> {
  if (await p.store.releaseCase(referralId, release)) {
    await p.store.addEvent(referralId, { at, event: 'released', actor });
    return release;
  }
  const stored = await p.store.getCase(referralId);
  if (!stored?.release || stored.status === 'closed') throw new CaseClosedError();
  return stored.release;
}

/**
 * A reminder falls due. The case is read first: a closed case gets nothing, a patient reminder goes out
 * only while the stored release has SMS consent and a phone (through `textPatient`). Claimed before sending
 * (sending), marked sent after; a failure puts it back so Lambda's retry of the invocation sends it.
 */
export async function sendReminder(referralId: string, step: string, p: Ports): Promise<void> {
  const record = await p.store.getCase(referralId);
  const reminder = (await p.store.reminders(referralId)).find((r) => r.step === step);
  if (!record || !reminder) return;
  if (record.status === 'closed') {
    await p.store.markReminder(referralId, step, 'scheduled', 'cancelled');
    return;
  }
  if (!(await p.store.markReminder(referralId, step, 'scheduled', 'sending'))) return;
  /** Nothing is sent, and the timeline says why. */
  const skip = async (reason: string) => {
    await p.store.markReminder(referralId, step, 'sending', 'cancelled');
    await p.store.addEvent(referralId, { at: p.clock.now().toISOString(), event: 'reminder_skipped', details: { step, reason } });
  };
  // the one send that may throw comes first: a retry after it failed repeats nothing
  try {
    if (reminder.audience === 'patient') {
      // consent is read again from the stored release: only what it says now may text the patient
      const release = record.release;
      if (!release?.smsConsent || !release.patientPhone) return await skip('no_consent');
      const { text, fallback } = patientReminderText(release.patientLanguage);
      // the patient replied STOP, or already got an SMS today
      const sent = await textPatient(release.patientPhone, text, `reminder:${referralId}:${step}`, p);
      if (sent !== 'sent') return await skip(sent);
      if (fallback) {
        const note = staffingEmail({
          who: `Case ${referralId}`,
          event: `got its patient reminder in English: there is no template for language "${release.patientLanguage.replace(/[^A-Za-z0-9-]/g, '')}"`,
        });
        await sendSafely(() => emailCoordinators(note, p), { referralId, step });
      }
    } else {
      const { coordinators } = await p.store.roster();
      const text = coordinatorReminderText(step, referralId);
      const told: boolean[] = [];
      for (const c of coordinators) told.push(await sendSafely(() => p.sms.send(c.phone, text), { referralId, step }));
      told.push(await sendSafely(() => emailCoordinators(message(`Follow-up due: case ${referralId}`, [text]), p), { referralId, step }));
      // nobody was told: the run fails, so the timer retries it and, past its retries, its dead letters show it
      if (!told.some(Boolean)) throw new Error('no coordinator could be told that a follow-up is due');
    }
  } catch (error) {
    await p.store.markReminder(referralId, step, 'sending', 'scheduled');
    throw error;
  }
  await p.store.markReminder(referralId, step, 'sending', 'sent');
  await p.store.addEvent(referralId, { at: p.clock.now().toISOString(), event: 'reminder_sent', details: { step } });
}

/**
 * Closes a case with its outcome: every remaining schedule (waves and reminders) is deleted, pending
 * reminders cancelled, open offers withdrawn, its documents kept only DOCUMENT_RETENTION_DAYS from now.
 * Closing a closed case again answers the same.
 */
export async function closeCase(
  referralId: string,
  outcome: CloseOutcome,
  actor: string,
  p: Pick<Ports, 'store' | 'clock' | 'scheduler' | 'config'> & Pick<Deps, 'documents'>,
): Promise<{ status: Status }> {
  const record = await p.store.getCase(referralId);
  if (!record) throw new CaseNotFoundError();
  const now = p.clock.now().toISOString();
  if (record.status !== 'closed') {
    await p.store.closeCase(referralId, outcome, now);
    await p.store.addEvent(referralId, { at: now, event: 'closed', actor, details: { outcome } });
  }
  // again on a repeated close: a close whose tagging failed half way is finished by the retry
  await retainDocuments(referralId, record.closedAt ?? now, p);
  await stopPaging(referralId, now, p);
  for (const r of await p.store.reminders(referralId)) {
    await p.scheduler.delete(reminderScheduleName(r.step, referralId));
    if (r.state === 'scheduled') await p.store.markReminder(referralId, r.step, 'scheduled', 'cancelled');
  }
  return { status: 'closed' };
}

/** No more paging for a released or closed case: wave schedules deleted, open offers (and their reply codes) withdrawn. */
async function stopPaging(referralId: string, now: string, p: Pick<Ports, 'store' | 'scheduler'>): Promise<void> {
  await deleteWaveSchedules(referralId, p);
  for (const offer of await p.store.listOffers(referralId)) {
    if (offer.state === 'open') await p.store.closeOffer(offer, 'withdrawn', now);
  }
}

/** Whether a repeated release names another place or other needs than the stored one. */
function carePlaceChanged(stored: Release, next: Release): boolean {
  const place = (r: Release) => JSON.stringify([r.zip, [...(r.needs ?? [])].sort(), r.insured ?? false]);
  return place(stored) !== place(next);
}

/** The program's calendar date now. */
export function programToday(p: Pick<Ports, 'clock' | 'config'>): string {
  return dateIn(p.clock.now(), p.config.PROGRAM_TIME_ZONE);
}
