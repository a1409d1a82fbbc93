import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../keys.js';
import type { TrustedEntry, TrustPort } from '../port.js';
import type { Table } from './table.js';

/** The trusted list, and the queue of new attorneys' referrals for the coordinators' digest. */
export function dynamoTrust(t: Table): TrustPort {
  return {
    putTrusted: (entry) => t.put({ ...keys.trusted(entry), ...entry }),
    deleteTrusted: (entry) => t.delete(keys.trusted(entry)),
    listTrusted: () => t.queryAll<TrustedEntry>({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'TRUSTED' } }),
    async onTrustedList(email) {
      const domain = email.slice(email.lastIndexOf('@') + 1);
      return (await t.getMany([keys.trusted({ email }), keys.trusted({ domain })])).length > 0;
    },

    async queueDigest(referralId) {
      await t.db.send(
        new UpdateCommand({
          TableName: t.name,
          Key: keys.digest(),
          UpdateExpression: 'ADD ids :id',
          ExpressionAttributeValues: { ':id': new Set([referralId]) },
        }),
      );
    },
    async digestQueue() {
      return [...((await t.get<{ ids?: Set<string> }>(keys.digest()))?.ids ?? [])].sort();
    },
    async clearDigest(referralIds) {
      if (!referralIds.length) return;
      await t.db.send(
        new UpdateCommand({
          TableName: t.name,
          Key: keys.digest(),
          UpdateExpression: 'DELETE ids :ids',
          ExpressionAttributeValues: { ':ids': new Set(referralIds) },
        }),
      );
    },
  };
}
