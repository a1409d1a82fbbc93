import type { Ports } from '../deps.js';
import { FINAL_WAVE } from '../domain/waves.js';
import { onCaseCreated } from './dispatch.js';
import { deliverOffer, runWave } from './paging.js';

/** How late something must be before the sweeper repairs it (the normal path gets this long first). */
export const GRACE_MS = 2 * 60_000;

export interface SweepReport {
  dispatched: number;
  waves: number;
  deliveries: number;
}

/**
 * The auditor (every 5 minutes): repairs what a lost stream record, schedule or send left undone.
 * Every repair goes through the same claims as the normal path, so running it twice sends nothing twice.
 * 1. cases never dispatched (no wave started / receipt not sent) → dispatch again
 * 2. paging cases whose next wave is overdue (a lost or failed schedule) → run that wave
 * 3. open offers with a channel never sent → send it
 */
export async function sweep(p: Ports): Promise<SweepReport> {
  const now = p.clock.now().getTime();
  const report: SweepReport = { dispatched: 0, waves: 0, deliveries: 0 };
  const [paging, review, escalated] = await Promise.all([
    p.store.listCases('paging'), p.store.listCases('awaiting_review'), p.store.listCases('escalated'),
  ]);
  for (const record of [...paging, ...review]) {
    const late = Date.parse(record.createdAt) < now - GRACE_MS;
    if (late && (record.receipt !== 'sent' || (record.status === 'paging' && record.wave === 0))) {
      await onCaseCreated(record.referralId, p);
      report.dispatched++;
    }
  }
  for (const record of await p.store.listCases('paging')) {
    if (record.nextWaveAt && Date.parse(record.nextWaveAt) < now - GRACE_MS && record.wave < FINAL_WAVE) {
      await runWave(record.referralId, record.wave + 1, p);
      report.waves++;
    }
  }
  const roster = await p.store.roster();
  const doctors = new Map(roster.doctors.map((d) => [d.id, d]));
  for (const record of [...(await p.store.listCases('paging')), ...review, ...escalated]) {
    for (const offer of await p.store.listOffers(record.referralId)) {
      const doctor = doctors.get(offer.doctorId);
      const stale = Date.parse(offer.createdAt) < now - GRACE_MS;
      if (!doctor || !stale || offer.state !== 'open' || (offer.sms !== 'pending' && offer.email !== 'pending')) continue;
      report.deliveries += await deliverOffer(offer, doctor, record, p);
    }
  }
  return report;
}
