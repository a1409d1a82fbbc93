import type { Ports } from '../deps.js';
import { inQuietHours } from '../domain/shifts.js';
import { channelAddress, type Channel } from '../messaging.js';
import { deliverOffer } from './paging.js';
import { tellCoordinators } from './inbound-sms.js';

/** A delivery problem reported by SES (bounce, complaint) or End User Messaging SMS (failure, opt-out). */
export interface DeliveryFailure {
  channel: Channel;
  address: string;
  reason: string;
}

/** SES event publishing (`eventType`) or feedback notifications (`notificationType`). */
interface SesEvent {
  eventType?: string;
  notificationType?: string;
  bounce?: { bounceType?: string; bouncedRecipients?: { emailAddress: string }[] };
  complaint?: { complainedRecipients?: { emailAddress: string }[] };
}

/** An End User Messaging SMS event record. */
interface SmsEvent {
  eventType?: string;
  messageStatus?: string;
  destinationPhoneNumber?: string;
}

const SMS_FAILURES =
  /^TEXT_(BLOCKED|CARRIER_BLOCKED|CARRIER_UNREACHABLE|INVALID|INVALID_MESSAGE|UNREACHABLE|TTL_EXPIRED|SPAM|UNKNOWN|OPTED_OUT)$/;

/** The failures an SNS message reports; deliveries and transient bounces report none. */
export function parseDeliveryEvent(message: unknown): DeliveryFailure[] {
  const ses = message as SesEvent;
  const type = ses.eventType ?? ses.notificationType;
  if (type === 'Bounce' && ses.bounce?.bounceType === 'Permanent') {
    return (ses.bounce.bouncedRecipients ?? []).map((r) => ({
      channel: 'email',
      address: r.emailAddress.toLowerCase(),
      reason: 'bounced',
    }));
  }
  if (type === 'Complaint') {
    return (ses.complaint?.complainedRecipients ?? []).map((r) => ({
      channel: 'email',
      address: r.emailAddress.toLowerCase(),
      reason: 'complained',
    }));
  }
  const sms = message as SmsEvent;
  const optedOut = sms.messageStatus === 'OPTED_OUT' || sms.eventType === 'TEXT_OPTED_OUT';
  if (sms.destinationPhoneNumber && (optedOut || SMS_FAILURES.test(sms.eventType ?? ''))) {
    return [{ channel: 'sms', address: sms.destinationPhoneNumber, reason: optedOut ? 'opted_out' : 'failed' }];
  }
  return [];
}

/**
 * A contact channel failed for good.
 * 1. mark the address unusable (no more sends to it)
 * 2. a doctor's open offers fall back to the other channel when it has not been used yet
 * 3. the coordinators are told (a volunteer unreachable on a channel is a staffing event)
 */
export async function onDeliveryFailure(
  failure: DeliveryFailure,
  p: Pick<Ports, 'store' | 'clock' | 'config' | 'email' | 'sms'>,
): Promise<void> {
  const address = channelAddress(failure.channel, failure.address);
  if (await p.store.isUnusable(address)) return;
  await p.store.markUnusable(address, failure.reason, p.clock.now().toISOString());
  const roster = await p.store.roster();
  const doctor = roster.doctors.find((d) => (failure.channel === 'sms' ? d.phone : d.email) === failure.address);
  if (doctor) {
    const other: Channel = failure.channel === 'sms' ? 'email' : 'sms';
    for (const code of await p.store.openCodes(doctor.id)) {
      const offer = await p.store.getOffer(code.referralId, doctor.id);
      const record = await p.store.getCase(code.referralId);
      if (!offer || !record || offer.state !== 'open' || offer[other] !== 'skipped') continue;
      // a routine offer never wakes anybody: no SMS fallback in the doctor's quiet hours
      if (other === 'sms' && record.urgency === 'routine' && inQuietHours(doctor, p.clock.now())) continue;
      if (await p.store.markChannel(offer, other, 'skipped', 'pending')) {
        await deliverOffer({ ...offer, [other]: 'pending' }, doctor, record, p);
      }
    }
  }
  const what = failure.channel === 'sms' ? 'SMS number' : 'email address';
  await tellCoordinators(failure.address, `cannot be reached at their ${what} (${failure.reason}); it will not be used again`, p);
}
