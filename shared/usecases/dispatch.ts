import type { Ports } from '../deps.js';
import type { Job } from '../domain/lanes.js';
import { noLongerNeededEmail, noLongerNeededSms, introToAttorney, introToDoctor } from '../domain/messages.js';
import { sendSafely } from '../messaging.js';
import { deleteWaveSchedules, noticeCoordinators, offerRoutineCase, runWave } from './paging.js';
import { sendReceipt } from './receipt.js';
import { noticeHold, noticeNewSubmitter } from './trust.js';
import type { CaseRecord } from '../domain/types.js';

/** What each job of a dispatch lane runs (`shared/domain/lanes.ts` routes stream records to jobs). */
export const JOBS: Record<Job, (referralId: string, p: Ports) => Promise<void>> = {
  page: startPaging,
  created: onCaseCreated,
  admitted: onCaseAdmitted,
  assigned: onCaseAssigned,
};

/**
 * A case became `paging` (urgent lane; retried until it succeeds, every step safe to repeat).
 * 1. paging wave 1 — a retry picks up the wave a failed run was in (waves 2 and 3 may run at once
 *    when nobody was reached)
 * 2. the coordinators' email notice, with how many doctors were paged
 */
export async function startPaging(referralId: string, p: Ports): Promise<void> {
  const record = await p.store.getCase(referralId);
  if (!record) return;
  await runWave(referralId, Math.max(record.wave, 1), p);
  const offers = await p.store.listOffers(referralId);
  await noticeCoordinators(record, offers.length, p);
}

/**
 * A referral was stored (routine lane; retried until it succeeds, every step safe to repeat). Paging
 * an urgent case is the urgent lane's job, so nothing here can hold up a page.
 * 1. record it on the timeline
 * 2. then as `onCaseAdmitted`
 */
export async function onCaseCreated(referralId: string, p: Ports): Promise<void> {
  const record = await p.store.getCase(referralId);
  if (!record) return;
  await p.store.addEventOnce(referralId, { at: record.createdAt, event: 'received', details: { urgency: record.urgency } });
  await routineSteps(record, p);
}

/**
 * A coordinator approved a held case (or a new attorney's case set aside in review): the same routine
 * steps as a new case from an approved attorney (a case now `paging` is the urgent lane's).
 */
export async function onCaseAdmitted(referralId: string, p: Ports): Promise<void> {
  const record = await p.store.getCase(referralId);
  if (record) await routineSteps(record, p);
}

/**
 * 1. a new attorney's case: onto the coordinators' digest (at most one every 15 minutes); no doctor hears of it
 * 2. held, or a routine duplicate: the coordinators' email notice; no doctor hears of it
 * 3. routine case awaiting review: email offers and the coordinators' notice, within the attorney's
 *    daily allowance (past it, the case waits in review without offers)
 * 4. the attorney's receipt (a case stored awaiting verification before sign-in existed gets none until approved)
 */
async function routineSteps(record: CaseRecord, p: Ports): Promise<void> {
  if (record.status === 'awaiting_verification') return;
  if (record.holdReason === 'new_submitter') await noticeNewSubmitter(record, p);
  else if (record.status === 'held' || (record.status === 'awaiting_review' && record.duplicateOf)) await noticeHold(record, p);
  else if (record.status === 'awaiting_review' && !record.holdReason) await offerRoutineCase(record, p);
  await sendReceipt(record.referralId, { ...p, baseUrl: p.config.BASE_URL });
}

/**
 * A doctor's accept was recorded (from the table stream).
 * 1. delete the pending wave schedules
 * 2. withdraw every other open offer and tell those doctors they are no longer needed
 * 3. introduce doctor and attorney to each other
 */
export async function onCaseAssigned(referralId: string, p: Ports): Promise<void> {
  const record = await p.store.getCase(referralId);
  const doctorId = record?.assignedDoctorId;
  if (!record || !doctorId) return;
  await deleteWaveSchedules(referralId, p);
  const roster = await p.store.roster();
  const doctors = new Map(roster.doctors.map((d) => [d.id, d]));
  const now = p.clock.now().toISOString();
  for (const offer of await p.store.listOffers(referralId)) {
    if (offer.doctorId === doctorId || offer.state !== 'open') continue;
    if (!(await p.store.closeOffer(offer, 'withdrawn', now))) continue;
    const doctor = doctors.get(offer.doctorId);
    if (!doctor) continue;
    if (offer.sms === 'sent') {
      await sendSafely(() => p.sms.send(doctor.phone, noLongerNeededSms(referralId)), { referralId, doctorId: doctor.id });
    }
    if (offer.email === 'sent') {
      await sendSafely(() => p.email.send({ to: [doctor.email], ...noLongerNeededEmail(referralId) }), { referralId, doctorId: doctor.id });
    }
  }
  const doctor = doctors.get(doctorId);
  if (!doctor || record.introSentAt) return;
  // sent before being marked: a retry after a partial failure may repeat one, but never loses one
  const { attorney } = record.referral;
  const base = p.config.BASE_URL;
  await p.email.send({ to: [doctor.email], ...introToDoctor({ referralId, attorney, caseUrl: `${base}/cases/#${referralId}` }) });
  await p.email.send({ to: [attorney.email], ...introToAttorney({ referralId, doctor, pageUrl: `${base}/referrals/#${referralId}` }) });
  if (await p.store.markOnce(referralId, 'intro', now)) {
    await p.store.addEvent(referralId, { at: now, event: 'introduced', details: { doctorId } });
  }
}
