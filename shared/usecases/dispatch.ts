import type { Deps } from '../deps.js';
import { sendReceipt } from './receipt.js';

/**
 * A referral was stored.
 * 1. record it on the timeline (once)
 * 2. the attorney's receipt
 */
export async function onCaseCreated(referralId: string, d: Pick<Deps, 'store' | 'email' | 'sms' | 'scheduler' | 'clock' | 'config'>): Promise<void> {
  const record = await d.store.getCase(referralId);
  if (!record) return;
  const events = await d.store.timeline(referralId);
  if (!events.some((e) => e.event === 'received')) {
    await d.store.addEvent(referralId, { at: record.createdAt, event: 'received', details: { urgency: record.urgency } });
  }
  await sendReceipt(referralId, { ...d, baseUrl: d.config.BASE_URL });
}
