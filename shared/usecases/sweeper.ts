import { mapLimit } from '../concurrency.js';
import type { Ports } from '../deps.js';
import { FINAL_WAVE } from '../domain/waves.js';
import { OPEN_FOR_OFFERS, type CaseRecord, type Offer, type Status } from '../domain/types.js';
import { logger } from '../logger.js';
import { onCaseCreated, startPaging } from './dispatch.js';
import { deliverOffer, runWave } from './paging.js';

/** How late something must be before the sweeper repairs it (the normal path gets this long first). */
export const GRACE_MS = 2 * 60_000;
/** Cases one run looks at; the rest wait for the next run (every 5 minutes). */
export const SWEEP_BATCH = 100;
/** Cases repaired at once. */
export const SWEEP_CONCURRENCY = 8;

export interface SweepReport {
  /** Cases looked at in this run. */
  checked: number;
  dispatched: number;
  waves: number;
  deliveries: number;
  failed: number;
  /** More cases were due than one run takes; the next run goes on with them. */
  more: boolean;
}

const UNSENT = ['pending', 'sending'];
/** Cases whose dispatch (receipt, notices, wave 1) the sweeper completes: open ones, and held ones (their receipt and notice). */
const DISPATCHABLE: Status[] = [...OPEN_FOR_OFFERS, 'held'];

/**
 * When the sweeper should look at a case again: now-ish while something of it is unfinished, when its
 * next wave falls due while it is paging, never once nothing more can fall due (assigned, closed, …).
 */
export function nextSweepAt(record: CaseRecord, offers: Offer[], now: string): string | undefined {
  if (!DISPATCHABLE.includes(record.status)) return undefined;
  const unfinished =
    record.receipt !== 'sent' ||
    (record.status === 'paging' && record.wave === 0) ||
    (record.status === 'escalated' && !record.escalationSentAt) ||
    (record.status === 'held' && record.holdReason === 'page_budget' && !record.budgetAlertAt) ||
    offers.some((o) => o.state === 'open' && (UNSENT.includes(o.sms) || UNSENT.includes(o.email)));
  if (unfinished) return now;
  if (record.status === 'paging' && record.wave < FINAL_WAVE) return record.nextWaveAt;
  return undefined;
}

/**
 * The auditor (every 5 minutes): repairs what a lost stream record, schedule or send left undone.
 * It reads only the cases that are due (the `sweepAt` index), at most SWEEP_BATCH per run, longest
 * waiting first, SWEEP_CONCURRENCY at a time, so a run costs the same however large the table grows.
 * Every repair goes through the same claims as the normal path, so running it twice sends nothing twice;
 * a case that fails to repair is logged, does not stop the others and is looked at again next run.
 * Per due case:
 * 1. never dispatched (no wave started, receipt not sent; held ones included) → dispatch again
 * 2. paging and its next wave overdue (a lost or failed schedule), escalated without the coordinator
 *    pages, or held by the page budget without the coordinators' alert → run that wave (what is left of it)
 * 3. open offers with a channel never sent, or left mid-send → send it
 * 4. set when to look at it again (nextSweepAt), or drop it from the index
 */
export async function sweep(p: Ports): Promise<SweepReport> {
  const now = p.clock.now().getTime();
  const late = (iso: string | undefined) => iso !== undefined && Date.parse(iso) < now - GRACE_MS;
  const report: SweepReport = { checked: 0, dispatched: 0, waves: 0, deliveries: 0, failed: 0, more: false };
  const due = await p.store.dueCases(new Date(now - GRACE_MS).toISOString(), SWEEP_BATCH + 1);
  report.more = due.length > SWEEP_BATCH;
  const doctors = new Map((await p.store.roster()).doctors.map((d) => [d.id, d]));

  await mapLimit(due.slice(0, SWEEP_BATCH), SWEEP_CONCURRENCY, async ({ referralId, sweepAt }) => {
    report.checked++;
    try {
      const record = await p.store.getCase(referralId);
      if (!record) return;
      const open = OPEN_FOR_OFFERS.includes(record.status);
      if (
        DISPATCHABLE.includes(record.status) &&
        late(record.createdAt) &&
        (record.receipt !== 'sent' || (record.status === 'paging' && record.wave === 0))
      ) {
        report.dispatched++;
        if (record.status === 'paging' && record.wave === 0) await startPaging(referralId, p);
        if (record.receipt !== 'sent') await onCaseCreated(referralId, p);
      }
      const current = (await p.store.getCase(referralId)) ?? record;
      if (current.status === 'paging' && late(current.nextWaveAt) && current.wave < FINAL_WAVE) {
        report.waves++;
        await runWave(referralId, current.wave + 1, p);
      } else if (current.status === 'escalated' && !current.escalationSentAt) {
        report.waves++;
        await runWave(referralId, FINAL_WAVE, p);
      } else if (current.status === 'held' && current.holdReason === 'page_budget' && !current.budgetAlertAt) {
        report.waves++;
        await runWave(referralId, current.wave, p);
      }
      if (open) {
        for (const offer of await p.store.listOffers(referralId)) {
          const doctor = doctors.get(offer.doctorId);
          const unsent = UNSENT.includes(offer.sms) || UNSENT.includes(offer.email);
          if (doctor && offer.state === 'open' && unsent && late(offer.createdAt)) {
            report.deliveries += await deliverOffer(offer, doctor, current, p, true);
          }
        }
      }
    } catch (error) {
      report.failed++;
      await logger.error('sweeper repair failed', { referralId, errorName: (error as Error).name });
    }
    try {
      const after = await p.store.getCase(referralId);
      if (!after) return;
      const next = nextSweepAt(after, await p.store.listOffers(referralId), p.clock.now().toISOString());
      // a case still unfinished goes to the back of the queue, so one that keeps failing never starves the rest
      if (next !== sweepAt) await p.store.setSweepAt(referralId, sweepAt, next);
    } catch (error) {
      await logger.error('sweeper could not reschedule a case', { referralId, errorName: (error as Error).name });
    }
  });
  return report;
}
