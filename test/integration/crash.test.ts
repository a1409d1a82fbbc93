import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../local/net.js';
import { runChaos } from '../support/chaos.js';

/**
 * The local runtime in a child process, killed with SIGKILL mid-load and started again on the same
 * data folder, with a client that retries through the outage with the same Idempotency-Key.
 */
describe('kill -9 and restart', () => {
  it('loses nothing answered 201, sends nothing twice but what was in flight, sends every receipt and first page', {
    timeout: 600_000,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'medreview-crash-'));
    try {
      const report = await runChaos({ referrals: 60, concurrency: 10, faults: '', killAfter: 25, dataDir, port: await freePort() });
      expect(report.answered201).toBe(60);
      expect(report.killedAtMs).toBeGreaterThan(0);
      expect({
        lost: report.lost,
        duplicated: report.duplicated,
        receiptsMissing: report.receiptsMissing,
        receiptsTwice: report.receiptsTwice,
        urgentNeverPaged: report.urgentNeverPaged,
      }).toEqual({ lost: 0, duplicated: 0, receiptsMissing: 0, receiptsTwice: 0, urgentNeverPaged: 0 });
      // at most what both lanes can have in hand at once
      expect(report.inFlightDuplicates).toBeLessThanOrEqual(30);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
