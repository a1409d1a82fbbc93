import type { Config } from './config.js';
import { dateIn } from './domain/dates.js';
import { logger } from './logger.js';
import type { Message } from './domain/messages.js';
import type { Clock, EmailPort, Sent, SmsPort } from './ports.js';
import type { StorePort } from './store/port.js';

export type Channel = 'sms' | 'email';

/** Where an unusable address is recorded: `sms:+1…` or `email:…`. */
export const channelAddress = (channel: Channel, address: string) => `${channel}:${address}`;

/**
 * The email port as use cases get it: nothing is ever sent to an address marked unusable (bounced,
 * complained); `unusable` when no address was left. This is the one check before a send: callers that
 * must record a skipped channel read the answer instead of asking the store again.
 */
export function guardEmail(email: EmailPort, store: Pick<StorePort, 'isUnusable'>): EmailPort {
  return {
    async send(message): Promise<Sent> {
      const to: string[] = [];
      for (const address of message.to) if (!(await store.isUnusable(channelAddress('email', address)))) to.push(address);
      if (!to.length) return 'unusable';
      await email.send({ ...message, to });
    },
  };
}

/** The SMS port as use cases get it: nothing is ever sent to a number that replied STOP or failed for good (`unusable`). */
export function guardSms(sms: SmsPort, store: Pick<StorePort, 'isUnusable'>): SmsPort {
  return {
    async send(to, body): Promise<Sent> {
      if (await store.isUnusable(channelAddress('sms', to))) return 'unusable';
      await sms.send(to, body);
    },
  };
}

/**
 * Texts a patient: at most one SMS per phone number and program day, whoever asked for it (a release
 * reminder, a clinic handoff, a check-in), so nobody can turn the program into a way to flood a number.
 * `holder` names this send (e.g. `reminder:<id>:<step>`): a retry of it may send again. Nothing is
 * sent to a number that replied STOP. Says what happened, for the timeline.
 */
export async function textPatient(
  phone: string,
  body: string,
  holder: string,
  p: { store: Pick<StorePort, 'isUnusable' | 'claimDailySms'>; sms: SmsPort; clock: Clock; config: Pick<Config, 'PROGRAM_TIME_ZONE'> },
): Promise<'sent' | 'opted_out' | 'daily_limit'> {
  if (await p.store.isUnusable(channelAddress('sms', phone))) return 'opted_out';
  const day = dateIn(p.clock.now(), p.config.PROGRAM_TIME_ZONE);
  if (!(await p.store.claimDailySms('patient', phone, day, holder))) return 'daily_limit';
  await p.sms.send(phone, body);
  return 'sent';
}

/** One email to every coordinator on the roster. */
export async function emailCoordinators(message: Message, p: { store: Pick<StorePort, 'roster'>; email: EmailPort }): Promise<void> {
  const { coordinators } = await p.store.roster();
  if (coordinators.length) await p.email.send({ to: coordinators.map((c) => c.email), ...message });
}

/** Sends one message; a failure is logged (ids only) and does not stop the others. */
export async function sendSafely(send: () => Promise<unknown>, ids: Record<string, string>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    await logger.warn('message not delivered', { ...ids, errorName: (error as Error).name });
    return false;
  }
}
