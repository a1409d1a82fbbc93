import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Coordinator, Doctor, Roster, Shift } from '../../domain/roster.js';
import { personItem, phoneIndexKey, strip } from '../items.js';
import { keys } from '../keys.js';
import type { ChannelPort, RosterPort } from '../port.js';
import type { Table } from './table.js';

/** How long a roster read is reused. */
export const ROSTER_CACHE_MS = 2000;

/** The roster (doctors, coordinators and shifts under one partition) and the people's contact channels. */
export function dynamoRoster(t: Table): RosterPort & ChannelPort & { dropCaches(): void } {
  let cache: { at: number; roster: Promise<Roster> } | undefined;

  const rosterItems = (ProjectionExpression?: string) =>
    t.queryAll<Record<string, unknown> & { pk: string; sk: string }>(
      { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'ROSTER' }, ProjectionExpression },
      true,
    );

  const readRoster = async (): Promise<Roster> => {
    const items = await rosterItems();
    const pick = <T>(prefix: string) => items.filter((i) => i.sk.startsWith(prefix)).map((i) => strip<T>(i));
    return { doctors: pick<Doctor>('DOC#'), coordinators: pick<Coordinator>('COORD#'), shifts: pick<Shift>('SHIFT#') };
  };

  return {
    /**
     * Read at most once per ROSTER_CACHE_MS by this process (every case of a dispatch batch needs it);
     * an import through this store is seen at once, one from elsewhere within that time.
     */
    async roster() {
      const now = Date.now();
      if (!cache || now - cache.at > ROSTER_CACHE_MS) {
        const read = readRoster();
        cache = { at: now, roster: read };
        read.catch(() => (cache = undefined));
      }
      return structuredClone(await cache.roster);
    },

    /** Forgets cached reads (the local runtime recreated the tables). */
    dropCaches() {
      cache = undefined;
    },

    /** Writes every entry, then deletes entries the new roster no longer has. */
    async replaceRoster(roster) {
      cache = undefined;
      const items = [
        ...roster.doctors.map((d) => personItem('doctor', d)),
        ...roster.coordinators.map((c) => personItem('coordinator', c)),
        ...roster.shifts.map((s) => ({ ...keys.shift(s.start, s.doctorId), ...s })),
      ];
      await t.replacePartition('ROSTER', items as (Record<string, unknown> & { pk: string; sk: string })[]);
      cache = undefined;
    },

    async personByPhone(phone) {
      const { Items = [] } = await t.db.send(
        new QueryCommand({
          TableName: t.name,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': phoneIndexKey(phone) },
        }),
      );
      const item = Items[0];
      if (!item) return undefined;
      return item.sk.startsWith('DOC#')
        ? { kind: 'doctor', person: strip<Doctor>(item) }
        : { kind: 'coordinator', person: strip<Coordinator>(item) };
    },

    markUnusable: (address, reason, at) => t.put({ ...keys.channel(address), address, reason, at }),
    markUsable: (address) => t.delete(keys.channel(address)),
    async isUnusable(address) {
      const { Item } = await t.db.send(new GetCommand({ TableName: t.name, Key: keys.channel(address) }));
      return Boolean(Item);
    },
  };
}
