import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Offer, OfferState } from '../../domain/types.js';
import { caseChanges, openForOffers } from '../case-changes.js';
import { keys } from '../keys.js';
import type { OfferPort, ReplyCode } from '../port.js';
import { caseConditionCheck, caseUpdateInput } from './cases.js';
import type { Table, TransactItems } from './table.js';

/**
 * Offers (under the case), their pointers (by offer id, for links) and the doctors' reply codes (under
 * the doctor; `open` until the offer is decided).
 */
export function dynamoOffers(t: Table): OfferPort {
  /** An open offer decided (`state`), and its reply code closed, as transaction items. */
  const decided = (offer: Offer, state: Exclude<OfferState, 'open'>, at: string, reason?: string): TransactItems => [
    {
      Update: {
        TableName: t.name,
        Key: keys.offer(offer.referralId, offer.doctorId),
        UpdateExpression: reason ? 'SET #s = :to, decidedAt = :at, declineReason = :r' : 'SET #s = :to, decidedAt = :at',
        ConditionExpression: '#s = :open',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':to': state, ':at': at, ':open': 'open', ...(reason ? { ':r': reason } : {}) },
      },
    },
    {
      Update: {
        TableName: t.name,
        Key: keys.code(offer.doctorId, offer.code),
        UpdateExpression: 'SET #open = :closed',
        ExpressionAttributeNames: { '#open': 'open' },
        ExpressionAttributeValues: { ':closed': false },
      },
    },
  ];
  const getOffer = (referralId: string, doctorId: string) => t.get<Offer>(keys.offer(referralId, doctorId));

  return {
    async createOffer(offer, codeTtl) {
      const failed = await t.transact([
        { ConditionCheck: caseConditionCheck(t, offer.referralId, openForOffers) },
        {
          Put: {
            TableName: t.name,
            Item: { ...keys.offer(offer.referralId, offer.doctorId), ...offer },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: { TableName: t.name, Item: { ...keys.offerPointer(offer.offerId), referralId: offer.referralId, doctorId: offer.doctorId } },
        },
        {
          Put: {
            TableName: t.name,
            Item: {
              ...keys.code(offer.doctorId, offer.code),
              referralId: offer.referralId,
              offerId: offer.offerId,
              open: true,
              ttl: codeTtl,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR #open = :closed',
            ExpressionAttributeNames: { '#open': 'open' },
            ExpressionAttributeValues: { ':closed': false },
          },
        },
      ]);
      return failed.has(0) ? 'closed' : failed.has(1) ? 'exists' : failed.has(3) ? 'code-taken' : 'created';
    },

    getOffer,

    async getOfferById(offerId) {
      const pointer = await t.get<{ referralId: string; doctorId: string }>(keys.offerPointer(offerId));
      return pointer ? getOffer(pointer.referralId, pointer.doctorId) : undefined;
    },

    listOffers: (referralId) => t.prefix<Offer>(`REF#${referralId}`, 'OFFER#'),

    async openCodes(doctorId) {
      const items = await t.prefix<{ sk: string; referralId: string; offerId: string; open: boolean }>(`DOC#${doctorId}`, 'CODE#', true);
      return items.filter((i) => i.open).map((i) => ({ code: i.sk.slice('CODE#'.length), referralId: i.referralId, offerId: i.offerId }));
    },

    async getCode(doctorId, code) {
      const item = await t.get<Omit<ReplyCode, 'code'>>(keys.code(doctorId, code));
      return item && { code, referralId: item.referralId, offerId: item.offerId };
    },

    markChannel: (offer, channel, from, to, tokenHash) =>
      t.ifCondition(() =>
        t.db.send(
          new UpdateCommand({
            TableName: t.name,
            Key: keys.offer(offer.referralId, offer.doctorId),
            UpdateExpression: tokenHash ? 'SET #c = :to, tokenHashes.#c = :h' : 'SET #c = :to',
            ConditionExpression: '#c = :from',
            ExpressionAttributeNames: { '#c': channel },
            ExpressionAttributeValues: { ':to': to, ':from': from, ...(tokenHash ? { ':h': tokenHash } : {}) },
          }),
        ),
      ),

    closeOffer: async (offer, state, at, reason) => (await t.transact(decided(offer, state, at, reason))).size === 0,

    async acceptOffer(offer, at) {
      const assign = caseUpdateInput(t, offer.referralId, caseChanges.assign(offer.doctorId, at));
      return (await t.transact([{ Update: assign }, ...decided(offer, 'accepted', at)])).size === 0;
    },
  };
}
