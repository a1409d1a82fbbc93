import type { Ports } from '../deps.js';
import { dateIn } from '../domain/dates.js';
import { message, staffingEmail } from '../domain/messages.js';
import { coordinatorReminderText, patientReminderText, REMINDER_PLAN, reminderPlan, reminderScheduleName } from '../domain/reminders.js';
import type { CloseOutcome, Release, Status } from '../domain/types.js';
import { CaseClosedError, CaseNotFoundError } from '../domain/errors.js';
import { emailCoordinators, sendSafely } from '../messaging.js';
import { deleteWaveSchedules } from './paging.js';

export interface ReleaseResult {
  status: 'released';
  reminders: { step: string; dueAt: string; audience: string }[];
}

/**
 * Records a client's release and plans the follow-up (staff endpoint and the attorney's outcome page).
 * 1. the case must exist (404) and not be closed (409)
 * 2. status `released`, release details kept; paging stopped (wave schedules deleted, open offers withdrawn)
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
  const first = record.status !== 'released';
  if (first) {
    if (!(await p.store.releaseCase(referralId, release))) throw new CaseClosedError();
    await p.store.addEvent(referralId, { at: now.toISOString(), event: 'released', actor });
  }
  await stopPaging(referralId, now.toISOString(), p); // every time: a retry finishes what a failed call began
  const kept = record.release ?? release;
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
 * A reminder falls due. The case is read first: a closed case gets nothing. Claimed before sending
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
  // the one send that may throw comes first: a retry after it failed repeats nothing
  try {
    if (reminder.audience === 'patient') {
      const release = record.release!;
      const { text, fallback } = patientReminderText(release.patientLanguage);
      if ((await p.sms.send(release.patientPhone!, text)) === 'unusable') {
        // the patient replied STOP (the guarded port checked): nothing was sent, and the timeline says so
        await p.store.markReminder(referralId, step, 'sending', 'cancelled');
        await p.store.addEvent(referralId, {
          at: p.clock.now().toISOString(),
          event: 'reminder_skipped',
          details: { step, reason: 'opted_out' },
        });
        return;
      }
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
      for (const c of coordinators) {
        await sendSafely(() => p.sms.send(c.phone, text), { referralId, step });
      }
      await sendSafely(() => emailCoordinators(message(`Follow-up due: case ${referralId}`, [text]), p), { referralId, step });
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
 * reminders cancelled, open offers withdrawn. Closing a closed case again answers the same.
 */
export async function closeCase(
  referralId: string,
  outcome: CloseOutcome,
  actor: string,
  p: Pick<Ports, 'store' | 'clock' | 'scheduler'>,
): Promise<{ status: Status }> {
  const record = await p.store.getCase(referralId);
  if (!record) throw new CaseNotFoundError();
  const now = p.clock.now().toISOString();
  if (record.status !== 'closed') {
    await p.store.closeCase(referralId, outcome, now);
    await p.store.addEvent(referralId, { at: now, event: 'closed', actor, details: { outcome } });
  }
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

/** The program's calendar date now. */
export function programToday(p: Pick<Ports, 'clock' | 'config'>): string {
  return dateIn(p.clock.now(), p.config.PROGRAM_TIME_ZONE);
}
