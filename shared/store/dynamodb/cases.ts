import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReportCase } from '../../domain/metrics.js';
import type { CaseRecord } from '../../domain/types.js';
import { namedCaseChanges, newCase, type CaseChange, type Condition } from '../case-changes.js';
import {
  CASES_INDEX,
  caseItem,
  caseUpdate,
  countByDoctor,
  decodeCursor,
  DUE,
  DUE_INDEX,
  encodeCursor,
  listIndex,
  LOAD,
  LOAD_INDEX,
  strip,
  type ListIndex,
} from '../items.js';
import { keys } from '../keys.js';
import type { CasePort, CaseSummary } from '../port.js';
import { WindowCounter } from './limits.js';
import type { Table, TransactItems } from './table.js';

/** The put of a new case: refused when the id is taken. */
const casePut = (t: Table, record: CaseRecord) => ({
  TableName: t.name,
  Item: caseItem(newCase(record)),
  ConditionExpression: 'attribute_not_exists(pk)',
});

/** Cases in the single table: the case item, its index entries, and its named state changes. */
export function dynamoCases(t: Table): CasePort {
  return {
    async createCase(record) {
      return t.ifCondition(() => t.db.send(new PutCommand(casePut(t, record))));
    },

    async createCounted(record, counts, now) {
      const counters = counts.map((count) => ({ counter: WindowCounter.daily(t, count), limit: count.limit }));
      const id = record.referralId;
      // first the append that needs no read; a counter that refuses it is counted again from what it holds
      const writes: (TransactItems[number] | undefined)[] = counters.map(({ counter, limit }) => ({
        Update: counter.append(id, limit, now),
      }));
      for (let attempt = 0; attempt < 50; attempt++) {
        const sent = writes.flatMap((write, i) => (write ? [{ i, write }] : []));
        const failed = await t.transact([{ Put: casePut(t, record) }, ...sent.map(({ write }) => write)]);
        if (!failed.size) return 'created';
        if (failed.has(0)) return 'taken';
        for (const [index, found] of failed) {
          const { i } = sent[index - 1];
          const { counter, limit } = counters[i];
          counter.changed(found);
          const { fits, put } = await counter.count(id, 1, limit, now);
          if (!fits) return 'over';
          writes[i] = put && { Put: put };
        }
      }
      throw new Error('a daily allowance kept changing under us');
    },

    getCase: (referralId) => t.get<CaseRecord>(keys.case(referralId)),

    casesByANumberHash: (hash) => indexQuery<CaseSummary>(t, listIndex({ aNumberHash: hash })),

    listCases: (status) => indexQuery<CaseRecord>(t, listIndex({ status })),
    async doctorLoad() {
      const items = await t.queryAll<{ assignedDoctorId?: string }>({
        IndexName: LOAD_INDEX,
        KeyConditionExpression: 'loadPk = :load',
        ExpressionAttributeValues: { ':load': LOAD },
        ProjectionExpression: 'assignedDoctorId',
      });
      return countByDoctor(items);
    },

    casesCreatedBetween(start, end) {
      return t.queryAll<ReportCase>({
        IndexName: CASES_INDEX.name,
        KeyConditionExpression: `${CASES_INDEX.pk} = :pk AND ${CASES_INDEX.sk} BETWEEN :start AND :end`,
        // `<end>` sorts before every `<end>#<id>`: a case created exactly at `end` is left out, as it should be
        ExpressionAttributeValues: { ':pk': CASES_INDEX.value, ':start': start, ':end': end },
      });
    },

    async pageCases(filter, limit, cursor) {
      const index = listIndex(filter);
      const start = cursor === undefined ? undefined : decodeCursor(cursor, index);
      const byStatus = filter.aNumberHash && filter.status;
      const { Items = [] } = await t.db.send(
        new QueryCommand({
          TableName: t.name,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk',
          ...(byStatus ? { FilterExpression: '#status = :status' } : {}),
          ExpressionAttributeNames: { '#pk': index.pk, ...(byStatus ? { '#status': 'status' } : {}) },
          ExpressionAttributeValues: { ':pk': index.value, ...(byStatus ? { ':status': filter.status } : {}) },
          ScanIndexForward: index.oldestFirst === true,
          ExclusiveStartKey: start,
          Limit: limit + 1, // one more tells whether a next page exists, so the last page has no cursor
        }),
      );
      const page = Items.slice(0, limit);
      const last = page.at(-1);
      const nextCursor = Items.length > limit && last ? encodeCursor(index, last) : undefined;
      return { items: page.map((i) => strip<CaseSummary>(i)), nextCursor };
    },

    async dueCases(before, limit) {
      const { Items = [] } = await t.db.send(
        new QueryCommand({
          TableName: t.name,
          IndexName: DUE_INDEX,
          KeyConditionExpression: 'duePk = :due AND sweepAt <= :before',
          ExpressionAttributeValues: { ':due': DUE, ':before': before },
          Limit: limit,
        }),
      );
      return Items.map((i) => ({ referralId: String(i.pk).slice('REF#'.length), sweepAt: i.sweepAt as string }));
    },

    ...namedCaseChanges((referralId, change) => t.ifCondition(() => t.db.send(new UpdateCommand(caseUpdateInput(t, referralId, change))))),
  };
}

/** Every case of one index partition, newest first. */
function indexQuery<T>(t: Table, index: ListIndex): Promise<T[]> {
  return t.queryAll<T>({
    IndexName: index.name,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': index.pk },
    ExpressionAttributeValues: { ':pk': index.value },
    ScanIndexForward: false,
  });
}

/** A case change as an update (alone, or one item of a transaction): its condition, the case must exist. */
export function caseUpdateInput(t: Table, referralId: string, change: CaseChange) {
  const x = new Aliases();
  const { set, remove } = caseUpdate(change.set, change.remove);
  const sets = Object.entries(set).map(([k, v]) => `${x.name(k)} = ${x.value(v)}`);
  const removes = remove.map((k) => x.name(k));
  const condition = conditionExpression(change.when, x);
  return {
    TableName: t.name,
    Key: keys.case(referralId),
    UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
      .filter(Boolean)
      .join(' '),
    ...x.expression(condition),
  };
}

/** A condition on a case, as a transaction's condition check. */
export function caseConditionCheck(t: Table, referralId: string, when: Condition) {
  const x = new Aliases();
  return { TableName: t.name, Key: keys.case(referralId), ...x.expression(conditionExpression(when, x)) };
}

function conditionExpression(when: Condition | undefined, x: Aliases): string {
  return when ? `attribute_exists(pk) AND (${compile(when, x)})` : 'attribute_exists(pk)';
}

/** A condition as a DynamoDB condition expression. */
function compile(c: Condition, x: Aliases): string {
  if ('all' in c) return c.all.map((s) => `(${compile(s, x)})`).join(' AND ');
  if ('any' in c) return c.any.map((s) => `(${compile(s, x)})`).join(' OR ');
  const f = x.name(c.field);
  if ('absent' in c) return `attribute_not_exists(${f})`;
  if ('is' in c) return `${f} = ${x.value(c.is)}`;
  if ('isNot' in c) return `${f} <> ${x.value(c.isNot)}`;
  if ('before' in c) return `${f} < ${x.value(c.before)}`;
  return `${f} IN (${c.in.map((v) => x.value(v)).join(', ')})`;
}

/** Attribute names and values of one expression, each under an alias. */
class Aliases {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};

  name(attribute: string): string {
    this.names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  }

  value(v: unknown): string {
    const alias = `:v${Object.keys(this.values).length}`;
    this.values[alias] = v;
    return alias;
  }

  expression(condition: string) {
    return {
      ConditionExpression: condition,
      ...(Object.keys(this.names).length ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}
