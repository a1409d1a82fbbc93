import { DeleteItemCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, TABLES } from '../../local/dynamo.js';
import { validReferral } from '../fixtures/referral.js';
import { call, useTestRuntime, attorneyCall } from '../support/runtime.js';
import type { LocalRuntime } from '../../local/runtime.js';
import { FIXTURE_DOMAIN, trust } from './helpers.js';

let rt!: LocalRuntime;
useTestRuntime((started) => (rt = started));
beforeEach(async () => {
  await call(rt, 'POST', '/_local/reset');
  await trust(rt, { domain: FIXTURE_DOMAIN });
});

/** Every stored case, whatever its status. */
async function storedCases() {
  const lists = await Promise.all((['paging', 'awaiting_review'] as const).map((s) => rt.deps.store.listCases(s)));
  return lists.flat();
}

/** Deletes every Powertools idempotency record, as their expiry would. */
async function forgetIdempotencyRecords() {
  const client = new DynamoDBClient({ endpoint: rt.dynamoEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  const { Items = [] } = await client.send(new ScanCommand({ TableName: TABLES.idempotency }));
  for (const item of Items) await client.send(new DeleteItemCommand({ TableName: TABLES.idempotency, Key: { id: item.id } }));
  client.destroy();
}

const REFERRAL_ID = /^MR-[0-9A-HJKMNP-TV-Z]{8}$/;

describe('POST /api/referrals', () => {
  it('stores a routine referral normalized and answers 201 with its id and Location', async () => {
    const response = await attorneyCall(rt, 'POST', '/api/referrals', validReferral({ client: { aNumber: 'a 12-345-678' } }));

    expect(response.status).toBe(201);
    expect(response.json).toEqual({
      referralId: expect.stringMatching(REFERRAL_ID),
      status: 'awaiting_review',
      urgency: 'routine',
      reasons: [],
    });
    expect(response.headers.get('location')).toBe(`/api/staff/referrals/${response.json.referralId}`);
    const stored = await rt.deps.store.getCase(response.json.referralId);
    expect(stored?.referral.client.aNumber).toBe('012345678');
    expect(stored?.referral.attorney.phone).toBe('+15125550100');
  });

  it('triages an urgent referral and gives every reason in the documented order', async () => {
    const body = validReferral({ medical: { attorneyUrgency: 'urgent', riskFactors: ['hunger_strike', 'pregnancy'] } });

    const response = await attorneyCall(rt, 'POST', '/api/referrals', body);

    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      status: 'paging',
      urgency: 'urgent',
      reasons: ['attorney_marked_urgent', 'risk:pregnancy', 'risk:hunger_strike'],
    });
  });

  it('answers the health check', async () => {
    const response = await call(rt, 'GET', '/api/health');
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'ok' });
  });

  it('serves the OpenAPI document of every route, with the intake body as the handler parses it', async () => {
    const response = await call(rt, 'GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.json.openapi).toBe('3.1.0');
    expect(Object.keys(response.json.paths)).toContain('/api/staff/referrals/{id}');
    const intake = response.json.paths['/api/referrals'].post;
    expect(intake.requestBody.content['application/json'].schema.properties.client.required).toContain('aNumber');
    expect(intake.responses['201'].content['application/json'].schema.required).toEqual(['referralId', 'status', 'urgency', 'reasons']);
  });
});

describe('bad input', () => {
  const problem = (response: { headers: Headers }) => response.headers.get('content-type');

  it('rejects a body that is not JSON by content type with 415', async () => {
    const response = await attorneyCall(rt, 'POST', '/api/referrals', JSON.stringify(validReferral()), { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(problem(response)).toContain('application/problem+json');
  });

  it('rejects malformed JSON with 400', async () => {
    const response = await attorneyCall(rt, 'POST', '/api/referrals', '{"attorney": ');
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('rejects a body over 64 KiB with 413', async () => {
    const body = validReferral({ medical: { medications: 'x'.repeat(70 * 1024) } });
    const response = await attorneyCall(rt, 'POST', '/api/referrals', body);
    expect(response.status).toBe(413);
  });

  it('names every bad field with 422 and never echoes a submitted value', async () => {
    const body = validReferral({ client: { aNumber: 'A12', givenName: '' }, attorney: { phone: 'ZZ-SECRET-PHONE' } });
    (body as Record<string, unknown>).extra = 'SECRET-EXTRA';

    const response = await attorneyCall(rt, 'POST', '/api/referrals', body);

    expect(response.status).toBe(422);
    expect(problem(response)).toContain('application/problem+json');
    expect(response.json.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'attorney.phone',
      'client.aNumber',
      'client.givenName',
      'extra',
    ]);
    for (const secret of ['A12', 'ZZ-SECRET-PHONE', 'SECRET-EXTRA']) expect(response.text).not.toContain(secret);
  });

  it('stores nothing for any bad request', async () => {
    await attorneyCall(rt, 'POST', '/api/referrals', validReferral({ consent: { releaseOfInformation: false as never } }));
    await attorneyCall(rt, 'POST', '/api/referrals', '{bad');
    await attorneyCall(rt, 'POST', '/api/referrals', 'x', { 'content-type': 'text/plain' });
    await call(rt, 'POST', '/_local/settle');

    expect(await storedCases()).toEqual([]);
    expect((await call(rt, 'GET', '/_local/outbox')).json).toEqual({ sms: [], email: [] });
  });

  it('rejects a malformed Idempotency-Key with 400', async () => {
    const response = await attorneyCall(rt, 'POST', '/api/referrals', validReferral(), { 'Idempotency-Key': 'has spaces!' });
    expect(response.status).toBe(400);
    expect(await storedCases()).toEqual([]);
  });

  it('answers 202 to a filled honeypot and drops the referral', async () => {
    const response = await attorneyCall(rt, 'POST', '/api/referrals', { ...validReferral(), website: 'http://spam.example' });
    await call(rt, 'POST', '/_local/settle');

    expect(response.status).toBe(202);
    expect(await storedCases()).toEqual([]);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response byte for byte and creates nothing twice', async () => {
    const headers = { 'Idempotency-Key': 'form-123' };
    const first = await attorneyCall(rt, 'POST', '/api/referrals', validReferral(), headers);
    const again = await attorneyCall(rt, 'POST', '/api/referrals', validReferral(), { 'idempotency-key': 'form-123' });

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(await storedCases()).toHaveLength(1);
  });

  it('makes one referral of six parallel requests with the same key', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => attorneyCall(rt, 'POST', '/api/referrals', validReferral(), { 'Idempotency-Key': 'parallel-1' })),
    );

    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(responses.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(new Set(created.map((r) => r.json.referralId)).size).toBe(1);
    expect(await storedCases()).toHaveLength(1);
  });

  it('makes no second referral when a run of the key outlived its idempotency record (a timeout, a crash)', async () => {
    const headers = { 'Idempotency-Key': 'outlived-1' };
    const first = await attorneyCall(rt, 'POST', '/api/referrals', validReferral(), headers);
    // an in-progress record expires at the function's deadline, while the run it stands for may still store its case
    await forgetIdempotencyRecords();
    const again = await attorneyCall(rt, 'POST', '/api/referrals', validReferral(), headers);

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(first.json);
    expect([...(await storedCases()), ...(await rt.deps.store.listCases('held'))]).toHaveLength(1);
  });

  it('answers 422 when the same key comes with a different body', async () => {
    await attorneyCall(rt, 'POST', '/api/referrals', validReferral(), { 'Idempotency-Key': 'k-2' });
    const other = await attorneyCall(rt, 'POST', '/api/referrals', validReferral({ medical: { attorneyUrgency: 'urgent' } }), {
      'Idempotency-Key': 'k-2',
    });

    expect(other.status).toBe(422);
    expect(other.json.detail).toMatch(/different body/);
    expect(await storedCases()).toHaveLength(1);
  });

  it('lets a corrected form reuse its key after a 422', async () => {
    const key = { 'Idempotency-Key': 'form-fixed' };
    const bad = await attorneyCall(rt, 'POST', '/api/referrals', validReferral({ client: { aNumber: '12' } }), key);
    const fixed = await attorneyCall(rt, 'POST', '/api/referrals', validReferral(), key);

    expect(bad.status).toBe(422);
    expect(fixed.status).toBe(201);
  });

  it('keeps no PHI in the idempotency record', async () => {
    await attorneyCall(rt, 'POST', '/api/referrals', validReferral(), { 'Idempotency-Key': 'phi-check' });
    const { DynamoDBClient, ScanCommand } = await import('@aws-sdk/client-dynamodb');
    const client = new DynamoDBClient({
      endpoint: rt.dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const { Items = [] } = await client.send(new ScanCommand({ TableName: 'medreview-idempotency' }));

    expect(Items).toHaveLength(1);
    const record = JSON.stringify(Items);
    for (const phi of ['María', 'López', '123456789', '1990-04-02', 'South Texas', 'Headaches']) expect(record).not.toContain(phi);
  });
});

describe('receipt', () => {
  it('emails the attorney the reference, what happens next and the outcome link, without PHI', async () => {
    const { json } = await attorneyCall(rt, 'POST', '/api/referrals', validReferral());
    await call(rt, 'POST', '/_local/settle');

    const { email } = (await call(rt, 'GET', '/_local/outbox')).json;
    const receipt = email.find((m: { to: string[] }) => m.to.includes('ana.perez@example.org'));
    expect(receipt.subject).toContain(json.referralId);
    expect(receipt.text).toContain('The program reviews this referral');
    expect(receipt.text).toMatch(new RegExp(`${rt.url}/outcome/${json.referralId}#token=[A-Za-z0-9_-]{40,}`));
    for (const phi of ['María', 'López', '123456789', 'South Texas', 'Headaches']) {
      expect(receipt.text + receipt.html + receipt.subject).not.toContain(phi);
    }
  });

  it('records the referral on its timeline once', async () => {
    const { json } = await attorneyCall(rt, 'POST', '/api/referrals', validReferral());
    await call(rt, 'POST', '/_local/settle');

    const events = await rt.deps.store.timeline(json.referralId);
    expect(events.filter((e) => e.event === 'received')).toHaveLength(1);
  });
});
