import { LocalKeyedHash } from '../../shared/hash/local.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient, ThrottlingException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { useDeps, type Deps } from '../../shared/deps.js';
import { documentClient } from '../../shared/store/dynamo.js';
import type { Offer } from '../../shared/domain/types.js';
import { TryAgainError } from '../../shared/domain/errors.js';
import { createDynamoStore } from '../../shared/store/dynamodb/store.js';
import { TRANSACT_ATTEMPTS } from '../../shared/store/dynamodb/table.js';
import { keys } from '../../shared/store/keys.js';
import { hashToken } from '../../shared/tokens.js';
import { handleInboundSms } from '../../shared/usecases/inbound-sms.js';

/** A cancelled transaction with one reason per item, as DynamoDB reports it. */
function cancelled(...codes: string[]) {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

const TOKEN = 'x'.repeat(43);
const offer: Offer = {
  offerId: 'of-1',
  referralId: 'MR-7K3M9QXT',
  doctorId: 'd-ana',
  wave: 1,
  code: '4821',
  state: 'open',
  tokenHashes: { sms: hashToken(TOKEN) },
  tokenExpiresAt: '2099-01-01T00:00:00.000Z',
  sms: 'sent',
  email: 'sent',
  createdAt: '2026-05-15T17:00:00.000Z',
};
const openCase = { ...keys.case(offer.referralId), referralId: offer.referralId, status: 'paging', urgency: 'urgent', wave: 1 };

const ddb = mockClient(DynamoDBDocumentClient);
const store = createDynamoStore(documentClient(new DynamoDBClient({ region: 'us-east-1' })), 'medreview');
const at = '2026-05-15T17:01:00.000Z';

beforeEach(() => {
  ddb.reset();
  ddb
    .on(GetCommand, { Key: keys.offerPointer(offer.offerId) })
    .resolves({ Item: { referralId: offer.referralId, doctorId: offer.doctorId } });
  ddb
    .on(GetCommand, { Key: keys.offer(offer.referralId, offer.doctorId) })
    .resolves({ Item: { ...keys.offer(offer.referralId, offer.doctorId), ...offer } });
  ddb
    .on(GetCommand, { Key: keys.code(offer.doctorId, offer.code) })
    .resolves({ Item: { referralId: offer.referralId, offerId: offer.offerId, open: true } });
  ddb.on(GetCommand, { Key: keys.case(offer.referralId) }).resolves({ Item: openCase });
  ddb
    .on(QueryCommand)
    .resolves({ Items: [{ pk: 'ROSTER', sk: 'DOC#d-ana', id: 'd-ana', phone: '+15125550101', email: 'ana@example.org' }] });
});

describe('accepting an offer reads why a transaction was cancelled', () => {
  it('reports a win when the transaction goes through', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    expect(await store.acceptOffer(offer, at)).toBe(true);
  });

  it('reads ConditionalCheckFailed on the case as taken or closed, without retrying', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    expect(await store.acceptOffer(offer, at)).toBe(false);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('reads ConditionalCheckFailed on the offer as this offer no longer open', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None'));
    expect(await store.acceptOffer(offer, at)).toBe(false);
  });

  it('retries a transaction conflict and wins when the retry goes through', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('TransactionConflict', 'None', 'None'))
      .resolves({});
    expect(await store.acceptOffer(offer, at)).toBe(true);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  for (const code of ['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']) {
    it(`raises TryAgainError, never "closed", when ${code} persists through every retry`, async () => {
      ddb.on(TransactWriteCommand).rejects(cancelled(code, 'None', 'None'));
      await expect(store.acceptOffer(offer, at)).rejects.toBeInstanceOf(TryAgainError);
      expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(TRANSACT_ATTEMPTS);
    });
  }

  it('treats a throttled request (no transaction reasons) as try again', async () => {
    ddb.on(TransactWriteCommand).rejects(new ThrottlingException({ message: 'slow down', $metadata: {} }));
    await expect(store.acceptOffer(offer, at)).rejects.toBeInstanceOf(TryAgainError);
  });

  it('lets a validation error through as the bug it is', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ValidationError', 'None', 'None'));
    await expect(store.acceptOffer(offer, at)).rejects.toBeInstanceOf(TransactionCanceledException);
  });
});

describe('declining and creating offers read the reasons too', () => {
  it('a decline that meets a conflict is retried, then asks to try again', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None'));
    await expect(store.closeOffer(offer, 'declined', at)).rejects.toBeInstanceOf(TryAgainError);
  });

  it('a decline of an offer no longer open is false', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    expect(await store.closeOffer(offer, 'declined', at)).toBe(false);
  });

  it('names the item whose condition failed when an offer is created', async () => {
    for (const [codes, outcome] of [
      [['ConditionalCheckFailed', 'None', 'None', 'None'], 'closed'],
      [['None', 'ConditionalCheckFailed', 'None', 'None'], 'exists'],
      [['None', 'None', 'None', 'ConditionalCheckFailed'], 'code-taken'],
    ] as const) {
      ddb.on(TransactWriteCommand).rejects(cancelled(...codes));
      expect(await store.createOffer(offer, 0)).toBe(outcome);
    }
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict', 'None', 'None'));
    await expect(store.createOffer(offer, 0)).rejects.toBeInstanceOf(TryAgainError);
  });
});

describe('what the doctor is told', () => {
  const sent: { to: string; body: string }[] = [];
  const ports = {
    config: { BASE_URL: 'https://medreview.example' } as Deps['config'],
    store,
    sms: { send: async (to: string, body: string) => void sent.push({ to, body }) },
    email: { send: async () => undefined },
    scheduler: { create: async () => undefined, delete: async () => undefined },
    clock: { now: () => new Date(at) },
    keyedHash: new LocalKeyedHash(Buffer.alloc(32)),
  };
  useDeps({ ...ports, idempotency: undefined as never, documents: undefined as never });
  beforeEach(() => void (sent.length = 0));

  async function accept() {
    // imported once the fakes are in place: a handler wires its ports at import
    const { handler: offersHandler } = await import('../../functions/offers/handler.js');
    const event = {
      httpMethod: 'POST',
      resource: '/api/offers/{offerId}/accept',
      path: `/api/offers/${offer.offerId}/accept`,
      pathParameters: { offerId: offer.offerId },
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: TOKEN }),
      isBase64Encoded: false,
      requestContext: {},
    } as unknown as APIGatewayProxyEvent;
    return offersHandler(event, {} as Context);
  }

  it('answers 503 problem+json (not 409 or 410) to a link accept that kept meeting a conflict', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None', 'None'));
    const response = await accept();
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(JSON.parse(response.body)).toMatchObject({ status: 503, title: 'Service Unavailable' });
  });

  it('answers 409 when the case item said another doctor has it', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    ddb
      .on(GetCommand, { Key: keys.case(offer.referralId) })
      .resolves({ Item: { ...openCase, status: 'assigned', assignedDoctorId: 'd-ben' } });
    expect((await accept()).statusCode).toBe(409);
  });

  it('replies "please try again" by SMS, never "closed", when a YES kept meeting throttling', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ThrottlingError', 'None', 'None'));
    const replies = await handleInboundSms('+15125550101', 'YES 4821', ports);
    expect(replies).toHaveLength(1);
    expect(replies[0].body).toMatch(/try again/);
    expect(replies[0].body).not.toMatch(/closed|already accepted/);
    expect(sent).toEqual(replies);
  });

  it('replies "please try again" to a NO that kept meeting a conflict', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None'));
    const replies = await handleInboundSms('+15125550101', 'NO 4821', ports);
    expect(replies.map((r) => r.body)).toEqual([expect.stringMatching(/try again/)]);
  });

  it('still tells a doctor the offer is closed when the case item really was closed', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    ddb.on(GetCommand, { Key: keys.case(offer.referralId) }).resolves({ Item: { ...openCase, status: 'closed' } });
    const replies = await handleInboundSms('+15125550101', 'YES 4821', ports);
    expect(replies[0].body).toMatch(/closed/);
  });
});
