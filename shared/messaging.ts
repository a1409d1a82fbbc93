import { logger } from './logger.js';
import type { Message } from './domain/messages.js';
import type { EmailPort, SmsPort } from './ports.js';
import type { StorePort } from './store/port.js';

export type Channel = 'sms' | 'email';

/** Where an unusable address is recorded: `sms:+1…` or `email:…`. */
export const channelAddress = (channel: Channel, address: string) => `${channel}:${address}`;

/** The email port as use cases get it: nothing is ever sent to an address marked unusable (bounced, complained). */
export function guardEmail(email: EmailPort, store: Pick<StorePort, 'isUnusable'>): EmailPort {
  return {
    async send(message) {
      const to: string[] = [];
      for (const address of message.to) if (!(await store.isUnusable(channelAddress('email', address)))) to.push(address);
      if (to.length) await email.send({ ...message, to });
    },
  };
}

/** The SMS port as use cases get it: nothing is ever sent to a number that replied STOP or failed for good. */
export function guardSms(sms: SmsPort, store: Pick<StorePort, 'isUnusable'>): SmsPort {
  return {
    async send(to, body) {
      if (!(await store.isUnusable(channelAddress('sms', to)))) await sms.send(to, body);
    },
  };
}

/**
 * Every SMS the system starts to a patient (the handoff, check-ins) goes through here: the one place a
 * rule about patients' messages (a per-number daily limit, quiet hours) applies. Replies to a patient's
 * own message go back through the inbound SMS use case.
 */
export async function sendPatientSms(to: string, body: string, p: { sms: SmsPort }): Promise<void> {
  await p.sms.send(to, body);
}

/** One email to every coordinator on the roster. */
export async function emailCoordinators(message: Message, p: { store: Pick<StorePort, 'roster'>; email: EmailPort }): Promise<void> {
  const { coordinators } = await p.store.roster();
  if (coordinators.length) await p.email.send({ to: coordinators.map((c) => c.email), ...message });
}

/** Sends one message; a failure is logged (ids only) and does not stop the others. */
export async function sendSafely(send: () => Promise<void>, ids: Record<string, string>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    await logger.warn('message not delivered', { ...ids, errorName: (error as Error).name });
    return false;
  }
}
