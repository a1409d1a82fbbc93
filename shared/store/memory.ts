import type { ReportCase } from '../domain/metrics.js';
import type { Clinic } from '../domain/clinics.js';
import type { Roster } from '../domain/roster.js';
import type { CaseRecord, Offer, Reminder, TimelineEvent } from '../domain/types.js';
import type { CaseDocument } from '../domain/documents.js';
import { caseChanges, namedCaseChanges, newCase, notClosed, openForOffers, type CaseChange, type Condition } from './case-changes.js';
import { CASES_INDEX, caseItem, countByDoctor, decodeCursor, encodeCursor, listIndex, LOAD, projected, type ListIndex } from './items.js';
import { keys } from './keys.js';
import type { CaseSummary, ReplyCode, StorePort, TrustedEntry } from './port.js';
import { countInWindow, DAY_WINDOW_MS, PAGE_BUDGET_WINDOW_MS, type WindowEntry } from './window.js';

type Key = { pk: string; sk: string };

/**
 * The store port in plain Maps, with the DynamoDB store's semantics (the contract suite in
 * `test/contract` runs against both): conditional changes answer the same, transactions are all or
 * nothing, lists come in the same order, cursors page the same way. What it hands out and takes in is
 * copied, as a database would. No TTL, no roster cache, no contention (never TryAgainError).
 * Items live under the table's keys (`keys.ts`), so every list is in the table's order.
 */
export function memoryStore(): StorePort {
  const cases = new Map<string, CaseRecord>();
  /** Every other item by partition, then sort key. */
  const partitions = new Map<string, Map<string, unknown>>();
  const digest = new Set<string>();
  let roster: Roster = { doctors: [], coordinators: [], shifts: [] };

  const partition = (pk: string) => {
    let items = partitions.get(pk);
    if (!items) partitions.set(pk, (items = new Map()));
    return items;
  };
  /** The stored item itself (not a copy): for changes in place. */
  const item = <T>(key: Key) => partition(key.pk).get(key.sk) as T | undefined;
  const get = <T>(key: Key) => copy(item<T>(key));
  const put = (key: Key, value: unknown) => void partition(key.pk).set(key.sk, copy(value));
  const putNew = (key: Key, value: unknown) => !partition(key.pk).has(key.sk) && (put(key, value), true);
  const remove = (key: Key) => void partition(key.pk).delete(key.sk);
  /** The items of a partition whose sort key starts with `prefix`, by sort key, with it. */
  const prefixed = <T>(pk: string, prefix: string): [string, T][] =>
    [...partition(pk).entries()]
      .filter(([sk]) => sk.startsWith(prefix))
      .sort(([a], [b]) => compare(a, b))
      .map(([sk, v]) => [sk, copy(v as T)]);
  const values = <T>(pk: string, prefix: string) => prefixed<T>(pk, prefix).map(([, v]) => v);

  /** Applies a change when the case exists and its condition holds. */
  const change = (referralId: string, c: CaseChange): boolean => {
    const record = cases.get(referralId) as unknown as Record<string, unknown> | undefined;
    if (!record || (c.when && !holds(c.when, record))) return false;
    for (const [field, value] of Object.entries(c.set)) if (value !== undefined) record[field] = copy(value);
    for (const field of c.remove ?? []) delete record[field];
    return true;
  };

  /** The cases of one list index partition in the index's order, newest first unless `oldestFirst` (whole). */
  const inIndex = (index: ListIndex) =>
    [...cases.values()]
      .map((r) => ({ record: r, entry: caseItem(r) }))
      .filter(({ entry }) => entry[index.pk] === index.value && entry[index.sk] !== undefined)
      .sort((a, b) => compare(String(b.entry[index.sk]), String(a.entry[index.sk])) * (index.oldestFirst ? -1 : 1))
      .map(({ record, entry }) => ({ record, sortKey: String(entry[index.sk]) }));
  /** As the index projects them. */
  const listed = (index: ListIndex) => inIndex(index).map(({ record }) => project(record, projected(index)));

  /** An open offer decided, and its reply code closed. */
  const decide = (offer: Offer, state: Exclude<Offer['state'], 'open'>, at: string, reason?: string) => {
    Object.assign(
      item<Offer>(keys.offer(offer.referralId, offer.doctorId))!,
      { state, decidedAt: at },
      reason ? { declineReason: reason } : {},
    );
    const code = item<{ open: boolean }>(keys.code(offer.doctorId, offer.code));
    if (code) code.open = false;
  };
  const openOffer = (offer: Offer) => item<Offer>(keys.offer(offer.referralId, offer.doctorId))?.state === 'open';

  const claimOnce = (key: Key, now: Date, periodMs: number) => {
    const claimed = item<{ claimedAt: string }>(key);
    if (claimed && claimed.claimedAt > new Date(now.getTime() - periodMs).toISOString()) return false;
    put(key, { claimedAt: now.toISOString() });
    return true;
  };
  const entries = (key: Key) => item<{ entries: WindowEntry[] }>(key)?.entries ?? [];
  const take = (key: Key, counting: Parameters<typeof countInWindow>[1]) => {
    const counted = countInWindow(entries(key), counting);
    if (counted.entries) put(key, { entries: counted.entries });
    return counted.fits;
  };

  const sorted = <T>(list: T[], sortKey: (x: T) => string) => [...list].sort((a, b) => compare(sortKey(a), sortKey(b)));

  return {
    // ---- cases ----------------------------------------------------------------------------------
    async createCase(record) {
      if (cases.has(record.referralId)) return false;
      cases.set(record.referralId, copy(newCase(record)));
      return true;
    },
    async createCounted(record, counts, now) {
      if (cases.has(record.referralId)) return 'taken';
      const counting = { id: record.referralId, n: 1, windowMs: DAY_WINDOW_MS, now };
      const counters = counts.map(({ counter, owner, limit }) => {
        const key = keys.dailyWindow(counter, owner);
        return { key, counted: countInWindow(entries(key), { ...counting, limit }) };
      });
      if (!counters.every((c) => c.counted.fits)) return 'over';
      for (const { key, counted } of counters) if (counted.entries) put(key, { entries: counted.entries });
      cases.set(record.referralId, copy(newCase(record)));
      return 'created';
    },
    getCase: async (referralId) => copy(cases.get(referralId)),
    casesByANumberHash: async (hash) => listed(listIndex({ aNumberHash: hash })) as CaseSummary[],
    listCases: async (status) => listed(listIndex({ status })) as CaseRecord[],
    doctorLoad: async () => countByDoctor([...cases.values()].filter((r) => caseItem(r).loadPk === LOAD)),
    async casesCreatedBetween(start, end) {
      return inIndex(CASES_INDEX)
        .filter(({ sortKey }) => sortKey >= start && sortKey <= end)
        .reverse()
        .map(({ record }) => project(record, projected(CASES_INDEX))) as ReportCase[];
    },
    async pageCases(filter, limit, cursor) {
      const index = listIndex(filter);
      const after = cursor === undefined ? undefined : decodeCursor(cursor, index)[index.sk];
      const read = inIndex(index)
        .filter(({ sortKey }) => after === undefined || (index.oldestFirst ? sortKey > after : sortKey < after))
        .slice(0, limit + 1)
        .map(({ record }) => record);
      // like a query's filter: applied to what the limit read, so a page may hold fewer
      const found = filter.aNumberHash && filter.status ? read.filter((r) => r.status === filter.status) : read;
      const page = found.slice(0, limit);
      const last = page.at(-1);
      const nextCursor = found.length > limit && last ? encodeCursor(index, caseItem(last)) : undefined;
      return { items: page.map((r) => project(r, projected(index)) as CaseSummary), nextCursor };
    },
    async dueCases(before, limit) {
      return sorted(
        [...cases.values()].filter((r) => r.sweepAt !== undefined && r.sweepAt <= before),
        (r) => r.sweepAt!,
      )
        .slice(0, limit)
        .map((r) => ({ referralId: r.referralId, sweepAt: r.sweepAt! }));
    },
    ...namedCaseChanges(async (referralId, c) => change(referralId, c)),

    // ---- timeline -------------------------------------------------------------------------------
    addEvent: async (referralId, event) => put(keys.event(referralId, event.at), event),
    async addEventOnce(referralId, event) {
      putNew(keys.onceEvent(referralId, event.at, event.event), event);
    },
    timeline: async (referralId) => values<TimelineEvent>(`REF#${referralId}`, 'EV#'),

    // ---- offers and reply codes -----------------------------------------------------------------
    async createOffer(offer) {
      const record = cases.get(offer.referralId);
      if (!record || !holds(openForOffers, record)) return 'closed';
      if (item(keys.offer(offer.referralId, offer.doctorId))) return 'exists';
      if (item<{ open: boolean }>(keys.code(offer.doctorId, offer.code))?.open) return 'code-taken';
      put(keys.offer(offer.referralId, offer.doctorId), offer);
      put(keys.offerPointer(offer.offerId), { referralId: offer.referralId, doctorId: offer.doctorId });
      put(keys.code(offer.doctorId, offer.code), { referralId: offer.referralId, offerId: offer.offerId, open: true });
      return 'created';
    },
    getOffer: async (referralId, doctorId) => get<Offer>(keys.offer(referralId, doctorId)),
    async getOfferById(offerId) {
      const pointer = item<{ referralId: string; doctorId: string }>(keys.offerPointer(offerId));
      return pointer && get<Offer>(keys.offer(pointer.referralId, pointer.doctorId));
    },
    listOffers: async (referralId) => values<Offer>(`REF#${referralId}`, 'OFFER#'),
    async openCodes(doctorId) {
      return prefixed<Omit<ReplyCode, 'code'> & { open: boolean }>(`DOC#${doctorId}`, 'CODE#')
        .filter(([, c]) => c.open)
        .map(([sk, c]) => ({ code: sk.slice('CODE#'.length), referralId: c.referralId, offerId: c.offerId }));
    },
    async getCode(doctorId, code) {
      const found = item<Omit<ReplyCode, 'code'>>(keys.code(doctorId, code));
      return found && { code, referralId: found.referralId, offerId: found.offerId };
    },
    async markChannel(offer, channel, from, to, tokenHash) {
      const stored = item<Offer>(keys.offer(offer.referralId, offer.doctorId));
      if (stored?.[channel] !== from) return false;
      stored[channel] = to;
      if (tokenHash) stored.tokenHashes[channel] = tokenHash;
      return true;
    },
    async closeOffer(offer, state, at, reason) {
      if (!openOffer(offer)) return false;
      decide(offer, state, at, reason);
      return true;
    },
    async acceptOffer(offer, at) {
      const record = cases.get(offer.referralId);
      const assign = caseChanges.assign(offer.doctorId, at);
      if (!record || !holds(assign.when!, record) || !openOffer(offer)) return false;
      change(offer.referralId, assign);
      decide(offer, 'accepted', at);
      return true;
    },

    // ---- roster, people and their channels ------------------------------------------------------
    roster: async () =>
      copy({
        doctors: sorted(roster.doctors, (d) => keys.doctor(d.id).sk),
        coordinators: sorted(roster.coordinators, (c) => keys.coordinator(c.id).sk),
        shifts: sorted(roster.shifts, (s) => keys.shift(s.start, s.doctorId).sk),
      }),
    async replaceRoster(next) {
      roster = copy(next);
    },
    async personByPhone(phone) {
      // the phone index sorts `COORD#…` before `DOC#…`
      const coordinator = sorted(roster.coordinators, (c) => c.id).find((c) => c.phone === phone);
      if (coordinator) return { kind: 'coordinator', person: copy(coordinator) };
      const doctor = sorted(roster.doctors, (d) => d.id).find((d) => d.phone === phone);
      return doctor && { kind: 'doctor', person: copy(doctor) };
    },
    markUnusable: async (address, reason, at) => put(keys.channel(address), { address, reason, at }),
    markUsable: async (address) => remove(keys.channel(address)),
    isUnusable: async (address) => item(keys.channel(address)) !== undefined,

    // ---- submitters: the trusted list, the new attorneys' digest ----------------------------------
    putTrusted: async (entry) => put(keys.trusted(entry), entry),
    deleteTrusted: async (entry) => remove(keys.trusted(entry)),
    listTrusted: async () => values<TrustedEntry>('TRUSTED', ''),
    async onTrustedList(email) {
      const domain = email.slice(email.lastIndexOf('@') + 1);
      return item(keys.trusted({ email })) !== undefined || item(keys.trusted({ domain })) !== undefined;
    },
    queueDigest: async (referralId) => {
      digest.add(referralId);
    },
    digestQueue: async () => [...digest].sort(),
    clearDigest: async (referralIds) => {
      for (const id of referralIds) digest.delete(id);
    },

    // ---- budgets and alerts ---------------------------------------------------------------------
    takePageBudget: async (id, pages, limit, now) => take(keys.pageBudget(), { id, n: pages, limit, windowMs: PAGE_BUDGET_WINDOW_MS, now }),
    claimAlert: async (name, now, periodMs) => claimOnce(keys.alert(name), now, periodMs),
    async releaseAlert(name, claimedAt) {
      const key = keys.alert(name);
      if (item<{ claimedAt: string }>(key)?.claimedAt === claimedAt.toISOString()) remove(key);
    },
    async claimDailySms(kind, phone, day, holder) {
      const key = keys.dailySms(kind, phone, day);
      const claimed = item<{ holder: string }>(key);
      if (claimed && claimed.holder !== holder) return false;
      put(key, { holder });
      return true;
    },

    // ---- reminders ------------------------------------------------------------------------------
    putReminder: async (reminder) => (putNew(keys.reminder(reminder.referralId, reminder.step), reminder) ? 'created' : 'exists'),
    reminders: async (referralId) => values<Reminder>(`REF#${referralId}`, 'REM#'),
    async markReminder(referralId, step, from, to) {
      const reminder = item<Reminder>(keys.reminder(referralId, step));
      if (reminder?.state !== from) return false;
      reminder.state = to;
      return true;
    },

    // ---- clinics and handoffs -------------------------------------------------------------------
    clinics: async () => values<Clinic>('CLINICS', 'CLINIC#'),
    async replaceClinics(clinics) {
      partitions.delete('CLINICS');
      for (const c of clinics) put(keys.clinic(c.id), c);
    },
    setHandoffPhone: async (phone, referralId) => put(keys.handoffPhone(phone), { referralId }),
    handoffByPhone: async (phone) => item<{ referralId: string }>(keys.handoffPhone(phone))?.referralId,

    // ---- documents ------------------------------------------------------------------------------
    async addDocument(document, max) {
      const record = cases.get(document.referralId);
      if (!record || !holds(notClosed, record)) return 'closed';
      const counted = item<{ count: number }>(keys.documentCount(document.referralId))?.count ?? 0;
      if (counted >= max) return 'full';
      if (!putNew(keys.document(document.referralId, document.documentId), document)) throw new Error('a new document id was taken');
      put(keys.documentCount(document.referralId), { count: counted + 1 });
      return 'created';
    },
    getDocument: async (referralId, documentId) => get<CaseDocument>(keys.document(referralId, documentId)),
    async listDocuments(referralId) {
      return values<CaseDocument>(`REF#${referralId}`, 'DOC#').sort(
        (a, b) => compare(a.uploadedAt, b.uploadedAt) || compare(a.documentId, b.documentId),
      );
    },
    async settleDocument(referralId, documentId, from, to, at, reason) {
      const document = item<CaseDocument>(keys.document(referralId, documentId));
      if (document?.status !== from) return false;
      Object.assign(document, { status: to, scannedAt: at }, reason ? { rejectedBecause: reason } : {});
      return true;
    },
    async expireDocuments(referralId, expiresAt) {
      for (const [, document] of prefixed<CaseDocument>(`REF#${referralId}`, 'DOC#')) {
        item<CaseDocument>(keys.document(referralId, document.documentId))!.expiresAt ??= expiresAt;
      }
    },
  };
}

/** Whether a case meets a condition; like DynamoDB, a comparison with a missing field is false. */
function holds(c: Condition, record: object): boolean {
  if ('all' in c) return c.all.every((s) => holds(s, record));
  if ('any' in c) return c.any.some((s) => holds(s, record));
  const value = (record as Record<string, unknown>)[c.field];
  if ('absent' in c) return value === undefined;
  if (value === undefined) return false;
  if ('is' in c) return value === c.is;
  if ('isNot' in c) return value !== c.isNot;
  if ('before' in c) return typeof value === 'string' && value < c.before;
  return c.in.includes(value as string);
}

/** A deep copy without undefined fields (what a stored item reads back as). */
function copy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** The fields an index projects (all of them when it projects whole items). */
function project(r: CaseRecord, fields: readonly string[] | undefined): Partial<CaseRecord> {
  return copy(fields ? Object.fromEntries(fields.filter((f) => f in r).map((f) => [f, r[f as keyof CaseRecord]])) : r);
}

/** Strings in the order DynamoDB sorts keys (by code unit; the keys here are ASCII). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
