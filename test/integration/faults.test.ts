import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, TABLES } from '../../local/dynamo.js';
import { parseFaults } from '../../local/faults.js';
import { type LocalRuntime, startLocal } from '../../local/runtime.js';
import { freshANumber, validReferral } from '../fixtures/referral.js';
import { attorneyCall, call } from '../support/runtime.js';
import { advance, clockNow, COORDINATORS, emailTo, FIXTURE_DOMAIN, numberedDoctor, outbox, shiftAround, trust } from './helpers.js';

const DOCTORS = [numberedDoctor(1), numberedDoctor(2)];
const ATTORNEY = validReferral().attorney.email;
let rt: LocalRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

/** The referral ids stored, read straight from DynamoDB Local (not through the faulted client). */
async function storedReferrals(endpoint: string): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const ids: string[] = [];
  for await (const page of paginateScan({ client }, { TableName: TABLES.main, ProjectionExpression: 'pk, sk' })) {
    for (const item of page.Items ?? []) if (item.sk.S === 'REF') ids.push(item.pk.S!.slice('REF#'.length));
  }
  client.destroy();
  return ids;
}

/** Posts until the answer is neither a 503 (waiting Retry-After) nor a 409 for the key still running, always with the same Idempotency-Key; counts the 503s. */
async function submitRetrying(target: LocalRuntime, body: unknown, key: string, unavailable: { count: number }) {
  for (;;) {
    const response = await attorneyCall(target, 'POST', '/api/referrals', body, { 'Idempotency-Key': key });
    // a 503 past the request's deadline leaves its run going: the key answers 409 until that run ends
    if (response.status === 409 && /still being processed/.test(response.text)) {
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    if (response.status !== 503) return response;
    unavailable.count++;
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    await new Promise((r) => setTimeout(r, Number(response.headers.get('retry-after')) * 1000));
  }
}

describe('FAULTS', () => {
  it('reads adapter shares and refuses anything else', () => {
    expect(parseFaults('dynamodb:0.05,ses:0.1,sms:0.1,scheduler:0.05')).toEqual({ dynamodb: 0.05, ses: 0.1, sms: 0.1, scheduler: 0.05 });
    expect(parseFaults(undefined)).toEqual({});
    for (const bad of ['dynamo:0.1', 'ses:2', 'sms', 'sms:', 'sms:0.1:3', 'ses:x']) expect(() => parseFaults(bad)).toThrow(/FAULTS/);
  });

  it('dynamodb:1 answers every intake 503 with Retry-After, never 500, while health stays up and nothing is stored', {
    timeout: 180_000,
  }, async () => {
    rt = await startLocal({ port: 0, dataDir: null, faults: { dynamodb: 1 } });
    expect((await call(rt, 'GET', '/api/health')).status).toBe(200);
    for (const key of [undefined, 'k-1', 'k-1']) {
      const response = await attorneyCall(rt, 'POST', '/api/referrals', validReferral(), key ? { 'Idempotency-Key': key } : {});
      expect(response.status, response.text).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(response.json).toMatchObject({ status: 503, title: 'Service Unavailable' });
    }
    expect(await storedReferrals(rt.dynamoEndpoint)).toEqual([]);
  });

  it('under throttling everywhere: a client retrying 503s gets each referral stored once, every receipt and page goes out at least once and at most twice', {
    timeout: 300_000,
  }, async () => {
    rt = await startLocal({
      port: 0,
      dataDir: null,
      faults: { dynamodb: 0.25, ses: 0.3, sms: 0.3, scheduler: 0.3 },
      limits: {
        URGENT_PER_SUBMITTER_PER_DAY: 1_000,
        URGENT_PER_DOMAIN_PER_DAY: 1_000,
        ROUTINE_PER_SUBMITTER_PER_DAY: 1_000,
        PAGE_BUDGET_PER_HOUR: 1_000,
      },
    });
    const now = await clockNow(rt);
    const roster = { doctors: DOCTORS, coordinators: COORDINATORS, shifts: DOCTORS.map((d) => shiftAround(now, d.id)) };
    // the operator's own set-up calls are faulted too: retried until they go through
    for (let i = 0; (await call(rt, 'PUT', '/_local/roster', roster)).status !== 200; i++) expect(i).toBeLessThan(20);
    for (let i = 0; ; i++) {
      try {
        await trust(rt, { domain: FIXTURE_DOMAIN });
        break;
      } catch (error) {
        if (i > 20) throw error;
      }
    }
    const unavailable = { count: 0 };
    const ids: string[] = [];
    const urgent: string[] = [];
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const isUrgent = i % 3 === 0;
        const body = validReferral({
          client: { aNumber: freshANumber() },
          ...(isUrgent ? { medical: { attorneyUrgency: 'urgent' as const } } : {}),
        });
        const response = await submitRetrying(rt!, body, `faults-${i}`, unavailable);
        expect(response.status, response.text).toBe(201);
        ids.push(response.json.referralId);
        if (isUrgent) urgent.push(response.json.referralId);
      }),
    );
    expect((await storedReferrals(rt.dynamoEndpoint)).sort()).toEqual([...ids].sort());
    await rt.settle();
    // what failed every retry waits for the sweeper (every 5 minutes in AWS)
    await advance(rt, 5);
    for (let i = 0; i < 3; i++) await call(rt, 'POST', '/_local/sweeper');
    const box = await outbox(rt);
    const receipts = emailTo(box, ATTORNEY);
    // receipts and pages are at least once: one repeats only when marking it sent failed after it went out
    for (const id of ids) {
      const copies = receipts.filter((m) => m.subject.includes(id)).length;
      expect(copies, `receipt of ${id}`).toBeGreaterThan(0);
      expect(copies, `receipts of ${id}`).toBeLessThanOrEqual(2);
    }
    for (const id of urgent) {
      const pages = box.sms.filter((m) => m.body.includes(id) && DOCTORS.some((d) => d.phone === m.to));
      expect(pages.length, `pages of ${id}`).toBeGreaterThan(0);
      for (const doctor of new Set(pages.map((m) => m.to)))
        expect(pages.filter((m) => m.to === doctor).length, `a doctor paged over and over about ${id}`).toBeLessThanOrEqual(2);
    }
  });
});
