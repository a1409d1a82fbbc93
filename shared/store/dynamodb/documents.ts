import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseDocument } from '../../domain/documents.js';
import { notClosed } from '../case-changes.js';
import { keys } from '../keys.js';
import type { DocumentPort } from '../port.js';
import { caseConditionCheck } from './cases.js';
import type { Table } from './table.js';

/** Epoch seconds of an ISO instant (the table's TTL attribute). */
export const ttlOf = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/**
 * Case documents: one item each under the case (`DOC#<documentId>`; the file name is data, never a key)
 * and a count item (`DOCS`) that a new document raises within the limit, in the same transaction as
 * its put and a check that the case is still open.
 */
export function dynamoDocuments(t: Table): DocumentPort {
  /** Sets `ttl` and `expiresAt` on an item unless it has them. */
  const expire = (key: { pk: string; sk: string }, expiresAt: string) =>
    t.ifCondition(() =>
      t.db.send(
        new UpdateCommand({
          TableName: t.name,
          Key: key,
          UpdateExpression: 'SET #ttl = if_not_exists(#ttl, :ttl), expiresAt = if_not_exists(expiresAt, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':ttl': ttlOf(expiresAt), ':at': expiresAt },
        }),
      ),
    );
  return {
    async addDocument(document, max) {
      const failed = await t.transact([
        { ConditionCheck: caseConditionCheck(t, document.referralId, notClosed) },
        {
          Update: {
            TableName: t.name,
            Key: keys.documentCount(document.referralId),
            UpdateExpression: 'SET #n = if_not_exists(#n, :zero) + :one',
            ConditionExpression: 'attribute_not_exists(#n) OR #n < :max',
            ExpressionAttributeNames: { '#n': 'count' },
            ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': max },
          },
        },
        {
          Put: {
            TableName: t.name,
            Item: { ...keys.document(document.referralId, document.documentId), ...document },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      if (failed.has(0)) return 'closed';
      if (failed.has(1)) return 'full';
      if (failed.size) throw new Error('a new document id was taken');
      return 'created';
    },
    getDocument: (referralId, documentId) => t.get<CaseDocument>(keys.document(referralId, documentId)),
    async listDocuments(referralId) {
      const items = await t.prefix<CaseDocument>(`REF#${referralId}`, 'DOC#');
      return items.sort((a, b) => a.uploadedAt.localeCompare(b.uploadedAt) || a.documentId.localeCompare(b.documentId));
    },
    settleDocument: (referralId, documentId, from, to, at, reason) =>
      t.ifCondition(() =>
        t.db.send(
          new UpdateCommand({
            TableName: t.name,
            Key: keys.document(referralId, documentId),
            UpdateExpression: reason ? 'SET #s = :to, scannedAt = :at, rejectedBecause = :r' : 'SET #s = :to, scannedAt = :at',
            ConditionExpression: '#s = :from',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':to': to, ':at': at, ':from': from, ...(reason ? { ':r': reason } : {}) },
          }),
        ),
      ),
    async expireDocuments(referralId, expiresAt) {
      const documents = await t.prefix<CaseDocument>(`REF#${referralId}`, 'DOC#');
      for (const d of documents) await expire(keys.document(referralId, d.documentId), expiresAt);
      await expire(keys.documentCount(referralId), expiresAt);
    },
  };
}
