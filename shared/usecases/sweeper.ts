import type { Ports } from '../deps.js';
import { FINAL_WAVE } from '../domain/waves.js';
import type { CaseRecord } from '../domain/types.js';
import { logger } from '../logger.js';
import { onCaseCreated, startPaging } from './dispatch.js';
import { deliverOffer, runWave } from './paging.js';

/** How late something must be before the sweeper repairs it (the normal path gets this long first). */
export const GRACE_MS = 2 * 60_000;

export interface SweepReport {
  dispatched: number;
  waves: number;
  deliveries: number;
  failed: number;
}

/**
 * The auditor (every 5 minutes): repairs what a lost stream record, schedule or send left undone.
 * Every repair goes through the same claims as the normal path, so running it twice sends nothing twice;
 * a case that fails to repair is logged and does not stop the others.
 * 1. cases never dispatched (no wave started, receipt not sent) → dispatch again
 * 2. paging cases whose next wave is overdue (a lost or failed schedule), and escalations whose
 *    coordinator pages never went out → run that wave
 * 3. open offers with a channel never sent, or left mid-send → send it
 */
export async function sweep(p: Ports): Promise<SweepReport> {
  const now = p.clock.now().getTime();
  const late = (iso: string | undefined) => iso !== undefined && Date.parse(iso) < now - GRACE_MS;
  const report: SweepReport = { dispatched: 0, waves: 0, deliveries: 0, failed: 0 };
  const repair = async (record: CaseRecord, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      report.failed++;
      logger.error('sweeper repair failed', { referralId: record.referralId, errorName: (error as Error).name });
    }
  };

  for (const record of [...(await p.store.listCases('paging')), ...(await p.store.listCases('awaiting_review'))]) {
    if (late(record.createdAt) && (record.receipt !== 'sent' || (record.status === 'paging' && record.wave === 0))) {
      report.dispatched++;
      await repair(record, async () => {
        if (record.status === 'paging' && record.wave === 0) await startPaging(record.referralId, p);
        if (record.receipt !== 'sent') await onCaseCreated(record.referralId, p);
      });
    }
  }
  for (const record of await p.store.listCases('paging')) {
    if (late(record.nextWaveAt) && record.wave < FINAL_WAVE) {
      report.waves++;
      await repair(record, () => runWave(record.referralId, record.wave + 1, p));
    }
  }
  for (const record of await p.store.listCases('escalated')) {
    if (!record.escalationSentAt) {
      report.waves++;
      await repair(record, () => runWave(record.referralId, FINAL_WAVE, p));
    }
  }

  const doctors = new Map((await p.store.roster()).doctors.map((d) => [d.id, d]));
  const open = await Promise.all((['paging', 'awaiting_review', 'escalated'] as const).map((s) => p.store.listCases(s)));
  for (const record of open.flat()) {
    await repair(record, async () => {
      for (const offer of await p.store.listOffers(record.referralId)) {
        const doctor = doctors.get(offer.doctorId);
        const unsent = [offer.sms, offer.email].some((c) => c === 'pending' || c === 'sending');
        if (doctor && offer.state === 'open' && unsent && late(offer.createdAt)) {
          report.deliveries += await deliverOffer(offer, doctor, record, p, true);
        }
      }
    });
  }
  return report;
}
