import { randomUUID } from 'node:crypto';
import type { Ports } from '../deps.js';
import { dateIn } from '../domain/dates.js';
import { SMS_REPLIES, staffingEmail } from '../domain/messages.js';
import { toE164 } from '../domain/phone.js';
import { parseSms } from '../domain/sms-grammar.js';
import { logger } from '../logger.js';
import { answerCheckIn } from './check-in-replies.js';
import { acceptOffer, declineOffer } from './offers.js';
import { channelAddress, emailCoordinators } from '../messaging.js';
import { TryAgainError } from '../domain/errors.js';

export interface SmsReply {
  to: string;
  body: string;
}

/**
 * An SMS reached our number. Replies are bound to an offer by the doctor's 4-digit code; a bare YES
 * only when the sender has exactly one open offer. Every message from a doctor or coordinator gets an
 * SMS answer; STOP opts the number out (no more SMS to it) and, from them, tells the coordinators.
 * A number not on the roster gets at most one answer a day and tells nobody anything.
 */
export async function handleInboundSms(fromRaw: string, body: string, p: Ports): Promise<SmsReply[]> {
  const from = toE164(fromRaw) ?? fromRaw;
  const replies: SmsReply[] = [];
  const reply = async (text: string) => {
    replies.push({ to: from, body: text });
    try {
      await p.sms.send(from, text);
    } catch (error) {
      // an opted-out number refuses even the confirmation; nothing else to do
      await logger.warn('sms reply not sent', { errorName: (error as Error).name });
    }
  };
  const command = parseSms(body);
  const now = p.clock.now().toISOString();
  const sender = await p.store.personByPhone(from);
  if (!sender) {
    // a released patient answering a check-in: matched by the number and the open handoff (STOP and
    // START are the opt-out rules', whoever sends them)
    const optOut = command.kind === 'stop' || command.kind === 'start';
    const checkIn = optOut ? undefined : await answerCheckIn(from, body, p);
    if (checkIn) await reply(checkIn);
    else await answerUnknownNumber(from, command, reply, p);
    return replies;
  }

  if (command.kind === 'stop') {
    await reply(SMS_REPLIES.stopped());
    await p.store.markUnusable(channelAddress('sms', from), 'opted_out', now);
    await tellCoordinators(from, 'replied STOP: no more SMS will be sent to this number', p);
    return replies;
  }
  if (command.kind === 'start') {
    await p.store.markUsable(channelAddress('sms', from));
    await reply(SMS_REPLIES.started());
    return replies;
  }
  if (command.kind === 'help' || command.kind === 'unknown' || sender.kind !== 'doctor') {
    await reply(SMS_REPLIES.help());
    return replies;
  }

  const doctor = sender.person;
  let code = command.code;
  if (!code) {
    const open = await p.store.openCodes(doctor.id);
    if (open.length !== 1) {
      await reply(open.length === 0 ? SMS_REPLIES.noOffers() : SMS_REPLIES.askCode());
      return replies;
    }
    code = open[0].code;
  }
  const entry = await p.store.getCode(doctor.id, code);
  const offer = entry && (await p.store.getOffer(entry.referralId, doctor.id));
  if (!offer) {
    await reply(SMS_REPLIES.unknownCode(code));
    return replies;
  }
  const id = offer.referralId;
  /** A reply that changed nothing goes on the timeline too (an accept or a decline records itself). */
  const unanswered = (result: string) =>
    p.store.addEvent(id, {
      at: now,
      event: 'replied',
      actor: `doctor:${doctor.id}`,
      details: { reply: command.kind === 'accept' ? 'yes' : 'no', result, wave: offer.wave },
    });
  try {
    if (command.kind === 'accept') {
      const outcome = await acceptOffer(offer, p);
      if (outcome !== 'accepted') await unanswered(outcome);
      await reply(
        { accepted: SMS_REPLIES.accepted, already_yours: SMS_REPLIES.alreadyYours, taken: SMS_REPLIES.taken, closed: SMS_REPLIES.closed }[
          outcome
        ](id),
      );
    } else {
      const outcome = await declineOffer(offer, undefined, p);
      if (outcome !== 'declined') await unanswered(outcome === 'accepted' ? 'already_yours' : outcome);
      await reply({ declined: SMS_REPLIES.declined, accepted: SMS_REPLIES.alreadyYours, closed: SMS_REPLIES.closed }[outcome](id));
    }
  } catch (error) {
    // contention decided nothing: the doctor is asked to answer again, never told the offer is closed
    if (!(error instanceof TryAgainError)) throw error;
    await logger.warn('sms answer not recorded; asked to try again', { referralId: id, doctorId: doctor.id });
    await reply(SMS_REPLIES.tryAgain(id));
  }
  return replies;
}

/**
 * A number not on the roster (a patient, a wrong number, someone probing): STOP and START are honoured,
 * nobody is told, and it gets at most one answer per program day, so texting us cannot make us text back.
 */
async function answerUnknownNumber(
  from: string,
  command: ReturnType<typeof parseSms>,
  reply: (text: string) => Promise<void>,
  p: Ports,
): Promise<void> {
  const address = channelAddress('sms', from);
  if (command.kind === 'start') await p.store.markUsable(address);
  const day = dateIn(p.clock.now(), p.config.PROGRAM_TIME_ZONE);
  if (await p.store.claimDailySms('unknown_sender', from, day, randomUUID())) {
    await reply(command.kind === 'stop' ? SMS_REPLIES.stopped() : command.kind === 'start' ? SMS_REPLIES.started() : SMS_REPLIES.help());
  }
  // marked after the answer: the guarded SMS port sends nothing to an opted-out number, not even this
  if (command.kind === 'stop') await p.store.markUnusable(address, 'opted_out', p.clock.now().toISOString());
}

/** A staffing event: every coordinator gets an email naming the volunteer (never a patient). */
export async function tellCoordinators(phoneOrEmail: string, event: string, p: Pick<Ports, 'store' | 'email'>): Promise<void> {
  const roster = await p.store.roster();
  const person = [...roster.doctors, ...roster.coordinators].find((x) => x.phone === phoneOrEmail || x.email === phoneOrEmail);
  const who = person ? `${person.name} (${person.id})` : 'A contact not on the roster';
  await emailCoordinators(staffingEmail({ who, event }), p);
}
