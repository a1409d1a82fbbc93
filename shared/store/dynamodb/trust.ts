import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../keys.js';
import type { TrustedEntry, TrustPort } from '../port.js';
import type { Table } from './table.js';

/** The trusted list, and per submitter address its verification, verification tokens and waiting referrals. */
export function dynamoTrust(t: Table): TrustPort {
  return {
    putTrusted: (entry) => t.put({ ...keys.trusted(entry), ...entry }),
    deleteTrusted: (entry) => t.delete(keys.trusted(entry)),
    listTrusted: () => t.queryAll<TrustedEntry>({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'TRUSTED' } }),
    async onTrustedList(email) {
      const domain = email.slice(email.lastIndexOf('@') + 1);
      const found = await Promise.all([keys.trusted({ email }), keys.trusted({ domain })].map((key) => t.get(key)));
      return found.some(Boolean);
    },

    setVerified: (email, until) => t.put({ ...keys.verified(email), email, verifiedUntil: until }),
    deleteVerified: (email) => t.delete(keys.verified(email)),
    async verifiedUntil(email) {
      return (await t.get<{ verifiedUntil: string }>(keys.verified(email)))?.verifiedUntil;
    },

    claimVerificationEmail: (email, now, periodMs) => t.claimOnce(keys.verificationSent(email), now, periodMs),
    releaseVerificationEmail: (email, claimedAt) => t.releaseClaim(keys.verificationSent(email), claimedAt),

    async putVerifyToken(tokenHash, email, expiresAt) {
      await t.db.send(
        new PutCommand({
          TableName: t.name,
          Item: {
            ...keys.verifyToken(tokenHash),
            email,
            expiresAt: expiresAt.toISOString(),
            ttl: Math.floor(expiresAt.getTime() / 1000) + 30 * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    async useVerifyToken(tokenHash, now) {
      const { Item } = await t.db.send(new GetCommand({ TableName: t.name, Key: keys.verifyToken(tokenHash), ConsistentRead: true }));
      if (!Item) return { result: 'unknown' };
      if (Item.usedAt) return { result: 'used' };
      if (Item.expiresAt <= now.toISOString()) return { result: 'expired' };
      const used = await t.ifCondition(() =>
        t.db.send(
          new UpdateCommand({
            TableName: t.name,
            Key: keys.verifyToken(tokenHash),
            UpdateExpression: 'SET usedAt = :now',
            ConditionExpression: 'attribute_not_exists(usedAt) AND expiresAt > :now',
            ExpressionAttributeValues: { ':now': now.toISOString() },
          }),
        ),
      );
      return used ? { result: 'ok', email: Item.email as string } : { result: 'used' };
    },

    async waitingReferrals(email) {
      return (await t.prefix<{ referralId: string }>(`SUBMITTER#${email}`, 'WAIT#')).map((i) => i.referralId);
    },
    deleteWaiting: (email, referralId) => t.delete(keys.waiting(email, referralId)),
  };
}
