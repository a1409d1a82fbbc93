import type { Ports } from '../deps.js';
import {
  caseNoticeEmail,
  escalationEmail,
  escalationSms,
  offerEmail,
  offerSms,
  pageBudgetEmail,
  pageBudgetSms,
} from '../domain/messages.js';
import type { Message } from '../domain/messages.js';
import type { Doctor } from '../domain/roster.js';
import type { CaseRecord, Offer } from '../domain/types.js';
import { FINAL_WAVE, routineDoctors, waveDoctors, waveScheduleName } from '../domain/waves.js';
import { logger } from '../logger.js';
import { countHeldByPageBudget } from '../metrics.js';
import { channelAddress, emailCoordinators, type Channel } from '../messaging.js';
import { hashToken, newOfferId, newToken } from '../tokens.js';
import { randomInt } from 'node:crypto';

/**
 * Runs paging wave `wave` of a case.
 * 1. claim the wave: the case must still be `paging` at the previous wave; a wave claimed before whose
 *    run did not finish (a retry after a failure) resumes; coordinator pages an earlier run owes
 *    (escalated or held by the budget, not yet marked sent) are sent, whichever wave asks; any other
 *    stale or repeated wave does nothing
 * 2. final wave: the case becomes `escalated` (offers stay open) and every coordinator is paged by SMS
 *    and email, marked done only after sending
 * 3. the page budget: a wave whose doctor SMS pages would exceed it is not sent; the case is held
 * 4. otherwise schedule the next wave first (durable), then offer the case to this wave's doctors
 *    (a doctor who already has an offer is not paged again)
 * 5. nobody in this wave reached: the next wave starts at once
 */
export async function runWave(referralId: string, wave: number, p: Ports): Promise<void> {
  const record = await p.store.getCase(referralId);
  if (!record) return;
  const final = wave >= FINAL_WAVE;
  const now = p.clock.now();
  // coordinators owed a page by an earlier run that failed (escalated, or held by the budget): whichever
  // wave's retry (or the sweeper) comes, only that is left to do
  if (record.status === 'escalated' && !record.escalationSentAt) return escalate(referralId, now, p);
  if (record.status === 'held' && record.holdReason === 'page_budget' && !record.budgetAlertAt) return alertPageBudget(record, p);
  const resuming = record.wave === wave && !final && record.status === 'paging';
  if (!resuming) {
    if (record.status !== 'paging' || record.wave !== wave - 1) return;
    const nextAt = new Date(now.getTime() + p.config.WAVE_MINUTES * 60_000).toISOString();
    // the sweeper looks again once the wave should be sent (GRACE_MS later), then when the next is due
    const sweepAt = now.toISOString();
    const claimed = final
      ? await p.store.claimFinalWave(referralId, wave, sweepAt)
      : await p.store.claimWave(referralId, wave, { nextWaveAt: nextAt, sweepAt });
    if (!claimed) return;
    record.nextWaveAt = nextAt;
    await p.store.addEvent(referralId, { at: now.toISOString(), event: final ? 'escalated' : 'wave_started', details: { wave } });
  }
  if (final) return escalate(referralId, now, p);
  const roster = await p.store.roster();
  const doctors = waveDoctors(wave as 1 | 2, {
    roster,
    specialty: record.referral.request.specialty,
    at: now,
    load: await p.store.doctorLoad(),
  });
  if (!(await withinPageBudget(record, wave, doctors, p))) {
    await holdForPageBudget(record, wave, p);
    return;
  }
  const next = waveScheduleName(wave + 1, referralId);
  await p.scheduler.create(next, new Date(record.nextWaveAt!), { kind: 'wave', referralId, wave: wave + 1 });
  await offerCase(record, doctors, wave, ['sms', 'email'], p);
  const reached = (await p.store.listOffers(referralId)).some((o) => o.wave === wave && (o.sms === 'sent' || o.email === 'sent'));
  if (!reached) {
    await p.scheduler.delete(next);
    await runWave(referralId, wave + 1, p);
  }
}

/** The final wave's coordinator pages (SMS and email), marked done once every one went out. */
async function escalate(referralId: string, now: Date, p: Ports): Promise<void> {
  await alertCoordinators(referralId, 'escalation', escalationSms(referralId), escalationEmail(referralId), p);
  await p.store.markOnce(referralId, 'escalation', now.toISOString());
}

/**
 * Reserves this wave's doctor SMS pages within the rolling hour's budget (once per case and wave, so a
 * resumed wave is not counted twice). A case a coordinator approved is not held again.
 */
async function withinPageBudget(record: CaseRecord, wave: number, doctors: Doctor[], p: Ports): Promise<boolean> {
  const offered = new Set((await p.store.listOffers(record.referralId)).map((o) => o.doctorId));
  let pages = 0;
  for (const d of doctors) if (!offered.has(d.id) && !(await p.store.isUnusable(channelAddress('sms', d.phone)))) pages++;
  if (pages === 0) return true;
  const fits = await p.store.takePageBudget(`${record.referralId}#${wave}`, pages, p.config.PAGE_BUDGET_PER_HOUR, p.clock.now());
  return fits || Boolean(record.approvedAt);
}

/**
 * A wave over the page budget: the case becomes `held` (page_budget) at the wave it reached, so an
 * approval resumes there; the held-by-budget metric is counted; then the coordinators' alert.
 */
async function holdForPageBudget(record: CaseRecord, wave: number, p: Ports): Promise<void> {
  const now = p.clock.now();
  if (!(await p.store.holdCase(record.referralId, wave, 'page_budget'))) return;
  await logger.warn('wave held by the page budget', { referralId: record.referralId, wave });
  countHeldByPageBudget();
  await p.store.addEvent(record.referralId, { at: now.toISOString(), event: 'held', details: { holdReason: 'page_budget', wave } });
  await alertPageBudget(record, p);
}

/**
 * Every coordinator is paged by SMS and email about a hold by the page budget, at most once per hour
 * however many cases are held: the case that claims the hour's alert sends it; for any other the alert
 * of the hour stands. Marked done on the case either way. A send that failed gives the claim back and
 * fails the call, so the retry (or another held case) sends it.
 */
async function alertPageBudget(record: CaseRecord, p: Ports): Promise<void> {
  const { referralId } = record;
  const now = p.clock.now();
  if (await p.store.claimAlert('page_budget', now, 3_600_000)) {
    const email = pageBudgetEmail({ referralId, budget: p.config.PAGE_BUDGET_PER_HOUR });
    try {
      await alertCoordinators(referralId, 'page_budget', pageBudgetSms(referralId), email, p);
    } catch (error) {
      await p.store.releaseAlert('page_budget', now);
      throw error;
    }
  }
  await p.store.markOnce(referralId, 'budgetAlert', now.toISOString());
}

/** Deletes the pending wave schedules of a case (accepted, released or closed). */
export async function deleteWaveSchedules(referralId: string, p: Pick<Ports, 'scheduler'>): Promise<void> {
  for (let wave = 2; wave <= FINAL_WAVE; wave++) await p.scheduler.delete(waveScheduleName(wave, referralId));
}

/**
 * Routine case: email offers to every available doctor outside quiet hours; the coordinators get an email.
 */
export async function offerRoutineCase(record: CaseRecord, p: Ports): Promise<void> {
  const roster = await p.store.roster();
  const doctors = routineDoctors({
    roster,
    specialty: record.referral.request.specialty,
    at: p.clock.now(),
    load: await p.store.doctorLoad(),
  });
  const reached = await offerCase(record, doctors, 1, ['email'], p);
  await noticeCoordinators(record, reached, p);
}

/** The coordinators' one email about a new case (no SMS: nobody is woken before the final wave). */
export async function noticeCoordinators(record: CaseRecord, paged: number, p: Ports): Promise<void> {
  if (await p.store.markOnce(record.referralId, 'coordinatorNotice', p.clock.now().toISOString()))
    await emailCoordinators(caseNoticeEmail({ referralId: record.referralId, urgency: record.urgency, paged }), p);
}

/**
 * Pages every coordinator by SMS and emails them all about a case (`about`: why). Each message that went
 * out is on the case's timeline, so a retry sends only what did not. A message that failed past the
 * SDK's retries fails the call once the others went out, and the case is left for the sweeper: the
 * caller's retries (the lane's, the timer's) send it, and past them the record lands with the dead
 * letters; a failure is never only a log line.
 */
async function alertCoordinators(referralId: string, about: string, sms: string, email: Message, p: Ports): Promise<void> {
  const done = new Set(
    (await p.store.timeline(referralId))
      .filter((e) => e.event === 'coordinators_alerted' && e.details?.about === about)
      .map((e) => String(e.details?.to)),
  );
  const failed: { to: string; error: unknown }[] = [];
  const attempt = async (to: string, send: () => Promise<unknown>) => {
    if (done.has(to)) return;
    try {
      await send();
      await p.store.addEvent(referralId, { at: p.clock.now().toISOString(), event: 'coordinators_alerted', details: { about, to } });
    } catch (error) {
      await logger.warn('coordinator alert not delivered; left for a retry', { referralId, to, about, errorName: (error as Error).name });
      failed.push({ to, error });
    }
  };
  const { coordinators } = await p.store.roster();
  for (const c of coordinators) await attempt(c.id, () => p.sms.send(c.phone, sms));
  await attempt('email', () => emailCoordinators(email, p));
  if (failed.length) {
    await p.store.sweepFrom(referralId, p.clock.now().toISOString());
    const to = failed.map((f) => f.to).join(', ');
    throw Object.assign(new Error(`coordinator alert (${about}) not delivered to ${to}`, { cause: failed[0].error }), {
      name: 'AlertNotDeliveredError',
    });
  }
}

/**
 * Creates an offer for each doctor who has none yet and delivers it; returns how many were reached.
 * A doctor whose offer exists already (a retried wave) gets its channels still `pending` sent now: a
 * run that died between creating an offer and sending it is finished by the retry, not left to the
 * sweeper. Stops as soon as the case is no longer open for offers (accepted or closed meanwhile).
 */
async function offerCase(record: CaseRecord, doctors: Doctor[], wave: number, channels: Channel[], p: Ports): Promise<number> {
  let reached = 0;
  let existing: Offer[] | undefined;
  for (const doctor of doctors) {
    let offer = await createOffer(record, doctor, wave, channels, p);
    if (offer === 'closed') break;
    if (!offer) {
      existing ??= await p.store.listOffers(record.referralId);
      const found = existing.find((o) => o.doctorId === doctor.id && o.state === 'open');
      if (found && (found.sms === 'pending' || found.email === 'pending')) offer = found;
    }
    if (offer && (await deliverOffer(offer, doctor, record, p)) > 0) reached++;
  }
  return reached;
}

async function createOffer(
  record: CaseRecord,
  doctor: Doctor,
  wave: number,
  channels: Channel[],
  p: Ports,
): Promise<Offer | 'closed' | undefined> {
  const now = p.clock.now();
  for (let attempt = 0; attempt < 20; attempt++) {
    const offer: Offer = {
      offerId: newOfferId(),
      referralId: record.referralId,
      doctorId: doctor.id,
      wave,
      code: String(randomInt(1000, 10000)),
      state: 'open',
      tokenHashes: {},
      tokenExpiresAt: new Date(now.getTime() + p.config.OFFER_TOKEN_DAYS * 86_400_000).toISOString(),
      sms: channels.includes('sms') ? 'pending' : 'skipped',
      email: channels.includes('email') ? 'pending' : 'skipped',
      createdAt: now.toISOString(),
    };
    const result = await p.store.createOffer(offer, Math.floor(now.getTime() / 1000) + 30 * 86_400);
    if (result === 'created') return offer;
    if (result === 'closed') return 'closed';
    if (result === 'exists') return undefined;
  }
  throw new Error('no free reply code for this doctor');
}

/**
 * Sends every pending channel of an offer, each with its own link token: claim the channel (storing
 * the token's hash), send, mark it sent. A failed send goes back to pending for the sweeper, which also
 * passes `stuck` for channels left in `sending` by a run that died mid-send.
 * Returns how many channels this call sent.
 */
export async function deliverOffer(
  offer: Offer,
  doctor: Doctor,
  record: CaseRecord,
  p: Pick<Ports, 'store' | 'config' | 'email' | 'sms' | 'clock'>,
  stuck = false,
): Promise<number> {
  let sent = 0;
  for (const channel of ['sms', 'email'] as const) {
    const from = offer[channel];
    if (from !== 'pending' && !(stuck && from === 'sending')) continue;
    const token = newToken();
    if (!(await p.store.markChannel(offer, channel, from, 'sending', hashToken(token)))) continue;
    const facts = {
      referralId: offer.referralId,
      urgency: record.urgency,
      specialty: record.referral.request.specialty,
      code: offer.code,
      url: `${p.config.BASE_URL}/offers/${offer.offerId}#token=${token}`,
    };
    try {
      // the guarded ports check the address once: an unusable one sends nothing and the channel is skipped
      const result =
        channel === 'sms'
          ? await p.sms.send(doctor.phone, offerSms(facts))
          : await p.email.send({ to: [doctor.email], ...offerEmail(facts) });
      if (result === 'unusable') {
        await p.store.markChannel(offer, channel, 'sending', 'skipped');
        continue;
      }
      await p.store.markChannel(offer, channel, 'sending', 'sent');
      sent++;
    } catch (error) {
      await logger.warn('offer not delivered; left for the sweeper', {
        referralId: offer.referralId,
        doctorId: doctor.id,
        channel,
        errorName: (error as Error).name,
      });
      await p.store.markChannel(offer, channel, 'sending', 'pending');
      await p.store.sweepFrom(offer.referralId, p.clock.now().toISOString());
    }
  }
  return sent;
}
