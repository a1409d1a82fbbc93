import { type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import type { StorePort } from '../shared/store/port.js';
import { TABLES } from './dynamo.js';

/**
 * At start, before the stream pollers run: a message this runtime's previous process claimed (`sending`)
 * and may not have sent when it died (a `kill -9`) is made `pending` again. No other process shares
 * these tables, so every such claim is dead, and waiting out its lease (and the sweeper) is not needed:
 * the stream records after the last checkpoint are read again and send it. A message that did go out
 * just before the kill is sent once more (a page in flight is sent twice rather than never).
 * Returns how many claims were released.
 */
export async function releaseDeadClaims(db: DynamoDBClient, store: StorePort): Promise<number> {
  const referrals = new Set<string>();
  const pages = paginateScan(
    { client: db },
    {
      TableName: TABLES.main,
      ConsistentRead: true,
      ProjectionExpression: 'pk',
      FilterExpression: '#r = :s OR #sms = :s OR #email = :s',
      ExpressionAttributeNames: { '#r': 'receipt', '#sms': 'sms', '#email': 'email' },
      ExpressionAttributeValues: { ':s': { S: 'sending' } },
    },
  );
  for await (const { Items = [] } of pages) for (const item of Items) if (item.pk.S?.startsWith('REF#')) referrals.add(item.pk.S.slice(4));
  let released = 0;
  for (const referralId of referrals) {
    if ((await store.getCase(referralId))?.receipt === 'sending' && (await store.finishReceipt(referralId, 'pending'))) released++;
    for (const offer of await store.listOffers(referralId)) {
      for (const channel of ['sms', 'email'] as const) {
        if (offer.state === 'open' && offer[channel] === 'sending' && (await store.markChannel(offer, channel, 'sending', 'pending')))
          released++;
      }
    }
  }
  return released;
}
