import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLocal } from '../../local/runtime.js';
import { freshANumber, validReferral } from '../fixtures/referral.js';
import { attorneyCall } from '../support/runtime.js';
import { clockNow, COORDINATORS, emailTo, FIXTURE_DOMAIN, numberedDoctor, outbox, putRoster, shiftAround, trust } from './helpers.js';

const ROUNDS = 3;
const REFERRALS = 60;
const CONCURRENCY = 25;
/** How long a settle may take on a loaded two-core machine; a stalled stream never settles at all. */
const SETTLE_WITHIN_MS = 90_000;
const DOCTORS = [numberedDoctor(1), numberedDoctor(2)];
const ATTORNEY = validReferral().attorney.email;

/**
 * A fresh runtime (new data folder), loaded at once with urgent and routine referrals: both lanes start
 * on a backlog together, the way a restart after a crash does. Every referral gets its receipt and every
 * urgent one its page, each round; a stream that stops (the lanes waiting on each other) fails the round.
 */
describe('a fresh runtime under load never stalls', () => {
  it(`delivers everything, ${ROUNDS} fresh starts in a row`, { timeout: ROUNDS * 180_000 }, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'medreview-stall-'));
      const rt = await startLocal({
        port: 0,
        dataDir,
        limits: {
          URGENT_PER_SUBMITTER_PER_DAY: 1_000,
          URGENT_PER_DOMAIN_PER_DAY: 1_000,
          ROUTINE_PER_SUBMITTER_PER_DAY: 1_000,
          PAGE_BUDGET_PER_HOUR: 1_000,
        },
      });
      try {
        const now = await clockNow(rt);
        await putRoster(rt, { doctors: DOCTORS, coordinators: COORDINATORS, shifts: DOCTORS.map((d) => shiftAround(now, d.id)) });
        await trust(rt, { domain: FIXTURE_DOMAIN });
        const urgent = new Set<string>();
        const all: string[] = [];
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < REFERRALS) {
              const i = next++;
              const isUrgent = i % 3 === 0;
              const body = validReferral({
                client: { aNumber: freshANumber() },
                ...(isUrgent ? { medical: { attorneyUrgency: 'urgent' as const } } : {}),
              });
              // a 503 (DynamoDB Local busy past the SDK's retries) is retried with the same key, as a client would
              let response = await attorneyCall(rt, 'POST', '/api/referrals', body, { 'Idempotency-Key': `stall-${round}-${i}` });
              while (response.status === 503) {
                await new Promise((r) => setTimeout(r, 1000));
                response = await attorneyCall(rt, 'POST', '/api/referrals', body, { 'Idempotency-Key': `stall-${round}-${i}` });
              }
              expect(response.status, response.text).toBe(201);
              all.push(response.json.referralId);
              if (isUrgent) urgent.add(response.json.referralId);
            }
          }),
        );
        const settled = await Promise.race([
          rt.settle().then(() => 'settled'),
          new Promise((r) => setTimeout(() => r('stalled'), SETTLE_WITHIN_MS).unref()),
        ]);
        expect(settled, `round ${round}`).toBe('settled');
        const box = await outbox(rt);
        const receipts = emailTo(box, ATTORNEY);
        expect(
          all.filter((id) => !receipts.some((m) => m.subject.includes(id))),
          `receipts missing, round ${round}`,
        ).toEqual([]);
        const paged = (id: string) => box.sms.some((m) => DOCTORS.some((d) => d.phone === m.to) && m.body.includes(id));
        expect(
          [...urgent].filter((id) => !paged(id)),
          `urgent cases never paged, round ${round}`,
        ).toEqual([]);
      } finally {
        await rt.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  });
});
