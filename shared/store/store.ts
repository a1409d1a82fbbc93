import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
  TransactionInProgressException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Coordinator, Doctor, Roster, Shift } from '../domain/roster.js';
import type { CaseRecord, ChannelState, Offer, OfferState, Reminder, Status, TimelineEvent } from '../domain/types.js';
import type { ReportCase } from '../domain/metrics.js';
import { TryAgainError } from '../domain/errors.js';
import { keys } from './keys.js';

export { TryAgainError };

/** Attempts of a transaction that meets contention, and the first backoff (doubling, with jitter). */
export const TRANSACT_ATTEMPTS = 6;
const TRANSACT_BACKOFF_MS = 25;
/** Cancellation reasons that decide nothing: the same transaction may succeed when tried again. */
const TRANSIENT_REASONS = new Set(['None', 'TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
const TRANSIENT_ERRORS = [
  ThrottlingException,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  TransactionConflictException,
  TransactionInProgressException,
  InternalServerError,
];

/** How long a roster read is reused. */
export const ROSTER_CACHE_MS = 2000;

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

export interface ReplyCode {
  code: string;
  referralId: string;
  offerId: string;
}

/** The single table, read and written through typed functions only. */
export class Store {
  private rosterCache?: { at: number; roster: Promise<Roster> };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  // ---- referrals ------------------------------------------------------------------------------

  /**
   * Stores a new case; false when the id is taken. It is due for the sweeper from the start: if the
   * stream never delivers it, the sweeper dispatches it. A case awaiting verification is stored together
   * with its pointer under the submitter's address, in one transaction.
   */
  async createCase(record: CaseRecord): Promise<boolean> {
    const put = {
      TableName: this.table,
      Item: caseItem({ ...record, sweepAt: record.sweepAt ?? record.createdAt }),
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    if (record.status !== 'awaiting_verification') {
      try {
        await this.db.send(new PutCommand(put));
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    }
    const pointer = { ...keys.waiting(submitterOf(record), record.referralId), referralId: record.referralId, createdAt: record.createdAt };
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, { Put: { TableName: this.table, Item: pointer } }] }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  /** Cases whose A-number has this keyed hash, newest first (the duplicate index; never a scan), as summaries. */
  async casesByANumberHash(hash: string): Promise<CaseSummary[]> {
    return this.queryAll<CaseSummary>({
      TableName: this.table,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': `ANUM#${hash}` },
      ScanIndexForward: false,
    });
  }

  async getCase(referralId: string): Promise<CaseRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.case(referralId), ConsistentRead: true }));
    return Item ? strip<CaseRecord>(Item) : undefined;
  }

  /** Cases with a status, newest first (every page; for internal use on small sets such as `assigned`). */
  async listCases(status: Status): Promise<CaseRecord[]> {
    return this.queryAll<CaseRecord>({
      TableName: this.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `STATUS#${status}` },
      ScanIndexForward: false,
    });
  }

  /**
   * Summaries of the cases created in [start, end) (ISO instants), oldest first, read through the
   * `cases` index: the cost follows the range, not the table.
   */
  async casesCreatedBetween(start: string, end: string): Promise<ReportCase[]> {
    return this.queryAll<ReportCase>({
      TableName: this.table,
      IndexName: 'cases',
      KeyConditionExpression: 'casesPk = :pk AND casesSk BETWEEN :start AND :end',
      // `<end>` sorts before every `<end>#<id>`: a case created exactly at `end` is left out, as it should be
      ExpressionAttributeValues: { ':pk': CASES, ':start': start, ':end': end },
    });
  }

  /**
   * One page of the staff list, newest first, from the index that serves the filter (never a scan):
   * `limit` items and, when more follow, an opaque cursor for the next page. BadCursorError for a
   * cursor this filter did not hand out.
   */
  async pageCases(filter: CaseFilter, limit: number, cursor?: string): Promise<{ items: CaseSummary[]; nextCursor?: string }> {
    const index = listIndex(filter);
    const start = cursor === undefined ? undefined : decodeCursor(cursor, index);
    const byStatus = filter.aNumberHash && filter.status;
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ...(byStatus ? { FilterExpression: '#status = :status' } : {}),
        ExpressionAttributeNames: { '#pk': index.pk, ...(byStatus ? { '#status': 'status' } : {}) },
        ExpressionAttributeValues: { ':pk': index.value, ...(byStatus ? { ':status': filter.status } : {}) },
        ScanIndexForward: false,
        ExclusiveStartKey: start,
        Limit: limit + 1, // one more tells whether a next page exists, so the last page has no cursor
      }),
    );
    const page = Items.slice(0, limit);
    const last = page.at(-1);
    const nextCursor = Items.length > limit && last ? encodeCursor(index, last) : undefined;
    return { items: page.map((i) => strip<CaseSummary>(i)), nextCursor };
  }

  /** Ids of cases the sweeper should look at (`sweepAt` at or before `before`), longest waiting first. */
  async dueCases(before: string, limit: number): Promise<{ referralId: string; sweepAt: string }[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'duePk = :due AND sweepAt <= :before',
        ExpressionAttributeValues: { ':due': DUE, ':before': before },
        Limit: limit,
      }),
    );
    return Items.map((i) => ({ referralId: String(i.pk).slice('REF#'.length), sweepAt: i.sweepAt as string }));
  }

  /**
   * Sets (or, with undefined, clears) when the sweeper next looks at a case, unless the time changed
   * since `seen` was read (a wave claimed meanwhile sets its own).
   */
  async setSweepAt(referralId: string, seen: string | undefined, next: string | undefined): Promise<boolean> {
    const condition =
      seen === undefined ? { expression: 'attribute_not_exists(sweepAt)' } : { expression: 'sweepAt = :seen', values: { ':seen': seen } };
    return next === undefined
      ? this.updateCase(referralId, {}, condition, ['sweepAt'])
      : this.updateCase(referralId, { sweepAt: next }, condition);
  }

  /**
   * Changes fields of a case when `condition` holds (an expression over `#status`, `#wave` and the
   * `:`-values given); keeps the status index in step. Returns false when the condition failed.
   */
  async updateCase(
    referralId: string,
    set: Partial<CaseRecord>,
    condition: { expression: string; values?: Record<string, unknown> },
    remove: (keyof CaseRecord)[] = [],
  ): Promise<boolean> {
    // gsi1sk (createdAt) stays, so lists stay newest first; the due index holds a case while it has a sweepAt
    const fields: Record<string, unknown> = { ...set };
    if (set.status) fields.gsi1pk = `STATUS#${set.status}`;
    if (set.sweepAt) fields.duePk = DUE;
    if (remove.includes('sweepAt')) remove = [...remove, 'duePk' as keyof CaseRecord];
    const names: Record<string, string> = {};
    for (const [alias, name] of [
      ['#status', 'status'],
      ['#wave', 'wave'],
    ])
      if (condition.expression.includes(alias)) names[alias] = name;
    const values: Record<string, unknown> = { ...condition.values };
    const sets = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v], i) => {
        names[`#f${i}`] = k;
        values[`:f${i}`] = v;
        return `#f${i} = :f${i}`;
      });
    const removes = remove.map((k, i) => {
      names[`#r${i}`] = k;
      return `#r${i}`;
    });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.case(referralId),
          UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
            .filter(Boolean)
            .join(' '),
          ConditionExpression: `attribute_exists(pk) AND (${condition.expression})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  // ---- timeline -------------------------------------------------------------------------------

  async addEvent(referralId: string, event: TimelineEvent): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...keys.event(referralId, event.at), ...event } }));
  }

  /** Adds an event that happens once in a case's life (e.g. `received`); a repeat changes nothing. */
  async addEventOnce(referralId: string, event: TimelineEvent): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.onceEvent(referralId, event.at, event.event), ...event },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async timeline(referralId: string): Promise<TimelineEvent[]> {
    return this.queryAll<TimelineEvent>(prefixQuery(this.table, `REF#${referralId}`, 'EV#'));
  }

  // ---- offers and reply codes -----------------------------------------------------------------

  /**
   * Stores an offer with its pointer and its reply code in one transaction, while the case is still
   * open for offers. Returns 'closed' when the case was accepted or closed meanwhile, 'exists' when
   * this doctor already has an offer for the case, 'code-taken' when the doctor has another open
   * offer with that code.
   */
  async createOffer(offer: Offer, codeTtl: number): Promise<'created' | 'closed' | 'exists' | 'code-taken'> {
    const failed = await this.transact([
      {
        ConditionCheck: {
          TableName: this.table,
          Key: keys.case(offer.referralId),
          ConditionExpression: 'attribute_not_exists(assignedDoctorId) AND #status IN (:paging, :review, :escalated)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':paging': 'paging', ':review': 'awaiting_review', ':escalated': 'escalated' },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.offer(offer.referralId, offer.doctorId), ...offer },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { ...keys.offerPointer(offer.offerId), referralId: offer.referralId, doctorId: offer.doctorId },
        },
      },
      {
        Put: {
          TableName: this.table,
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
  }

  async getOffer(referralId: string, doctorId: string): Promise<Offer | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keys.offer(referralId, doctorId), ConsistentRead: true }),
    );
    return Item ? strip<Offer>(Item) : undefined;
  }

  async getOfferById(offerId: string): Promise<Offer | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.offerPointer(offerId), ConsistentRead: true }));
    return Item ? this.getOffer(Item.referralId, Item.doctorId) : undefined;
  }

  async listOffers(referralId: string): Promise<Offer[]> {
    return this.queryAll<Offer>(prefixQuery(this.table, `REF#${referralId}`, 'OFFER#'));
  }

  /** The doctor's open reply codes with the offer each points at. */
  async openCodes(doctorId: string): Promise<ReplyCode[]> {
    const items = await this.queryAll<{ sk: string; referralId: string; offerId: string; open: boolean }>(
      prefixQuery(this.table, `DOC#${doctorId}`, 'CODE#'),
      true,
    );
    return items.filter((i) => i.open).map((i) => ({ code: i.sk.slice('CODE#'.length), referralId: i.referralId, offerId: i.offerId }));
  }

  /** A reply code of the doctor's, open or closed (closed ones answer "already decided"). */
  async getCode(doctorId: string, code: string): Promise<ReplyCode | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.code(doctorId, code), ConsistentRead: true }));
    return Item ? { code, referralId: Item.referralId, offerId: Item.offerId } : undefined;
  }

  /** Moves one channel of an offer from `from` to `to` (with the hash of the token it carries); false when it was not in `from`. */
  async markChannel(offer: Offer, channel: 'sms' | 'email', from: ChannelState, to: ChannelState, tokenHash?: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.offer(offer.referralId, offer.doctorId),
          UpdateExpression: tokenHash ? 'SET #c = :to, tokenHashes.#c = :h' : 'SET #c = :to',
          ConditionExpression: '#c = :from',
          ExpressionAttributeNames: { '#c': channel },
          ExpressionAttributeValues: { ':to': to, ':from': from, ...(tokenHash ? { ':h': tokenHash } : {}) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Closes an open offer (declined or withdrawn) and closes its reply code.
   * False when the offer was no longer open; TryAgainError when contention left it undecided.
   */
  async closeOffer(offer: Offer, state: 'declined' | 'withdrawn', at: string, reason?: string): Promise<boolean> {
    return (await this.transact(this.offerDecided(offer, state, at, reason))).size === 0;
  }

  /**
   * The one conditional write that decides who gets a case: the case must be open for offers and
   * unassigned, the offer open. Returns false when a condition failed (the case taken or closed, the
   * offer no longer open); TryAgainError when contention left it undecided.
   */
  async acceptOffer(offer: Offer, at: string): Promise<boolean> {
    const failed = await this.transact([
      {
        Update: {
          TableName: this.table,
          Key: keys.case(offer.referralId),
          UpdateExpression: 'SET #status = :assigned, gsi1pk = :gsi, assignedDoctorId = :doc, assignedAt = :at REMOVE nextWaveAt',
          ConditionExpression: 'attribute_not_exists(assignedDoctorId) AND #status IN (:paging, :review, :escalated)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':assigned': 'assigned',
            ':gsi': 'STATUS#assigned',
            ':doc': offer.doctorId,
            ':at': at,
            ':paging': 'paging',
            ':review': 'awaiting_review',
            ':escalated': 'escalated',
          },
        },
      },
      ...this.offerDecided(offer, 'accepted', at),
    ]);
    return failed.size === 0;
  }

  /** An open offer decided (`state`), and its reply code closed, as transaction items. */
  private offerDecided(offer: Offer, state: Exclude<OfferState, 'open'>, at: string, reason?: string): TransactItems {
    return [
      {
        Update: {
          TableName: this.table,
          Key: keys.offer(offer.referralId, offer.doctorId),
          UpdateExpression: reason ? 'SET #s = :to, decidedAt = :at, declineReason = :r' : 'SET #s = :to, decidedAt = :at',
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':to': state, ':at': at, ':open': 'open', ...(reason ? { ':r': reason } : {}) },
        },
      },
      {
        Update: {
          TableName: this.table,
          Key: keys.code(offer.doctorId, offer.code),
          UpdateExpression: 'SET #open = :closed',
          ExpressionAttributeNames: { '#open': 'open' },
          ExpressionAttributeValues: { ':closed': false },
        },
      },
    ];
  }

  // ---- roster ---------------------------------------------------------------------------------

  /**
   * The roster, read at most once per ROSTER_CACHE_MS by this process (every case of a dispatch batch
   * needs it); an import through this store is seen at once, one from elsewhere within that time.
   */
  async roster(): Promise<Roster> {
    const now = Date.now();
    if (!this.rosterCache || now - this.rosterCache.at > ROSTER_CACHE_MS) {
      const read = this.readRoster();
      this.rosterCache = { at: now, roster: read };
      read.catch(() => (this.rosterCache = undefined));
    }
    return structuredClone(await this.rosterCache.roster);
  }

  /** Forgets cached reads (the local runtime recreated the tables). */
  dropCaches(): void {
    this.rosterCache = undefined;
  }

  private async readRoster(): Promise<Roster> {
    const items = await this.queryAll<Record<string, unknown> & { sk: string }>(
      { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'ROSTER' } },
      true,
    );
    const pick = <T>(prefix: string) => items.filter((i) => i.sk.startsWith(prefix)).map((i) => strip<T>(i));
    return { doctors: pick<Doctor>('DOC#'), coordinators: pick<Coordinator>('COORD#'), shifts: pick<Shift>('SHIFT#') };
  }

  /** Replaces the roster: writes every entry, then deletes entries the new roster no longer has. */
  async replaceRoster(roster: Roster): Promise<void> {
    this.rosterCache = undefined;
    const items = [
      ...roster.doctors.map((d) => ({ ...keys.doctor(d.id), gsi1pk: `PHONE#${d.phone}`, gsi1sk: `DOC#${d.id}`, ...d })),
      ...roster.coordinators.map((c) => ({ ...keys.coordinator(c.id), gsi1pk: `PHONE#${c.phone}`, gsi1sk: `COORD#${c.id}`, ...c })),
      ...roster.shifts.map((s) => ({ ...keys.shift(s.start, s.doctorId), ...s })),
    ];
    const keep = new Set(items.map((i) => i.sk));
    const old = await this.queryAll<{ pk: string; sk: string }>(
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'ROSTER' },
        ProjectionExpression: 'pk, sk',
      },
      true,
    );
    await this.batchWrite([
      ...items.map((Item) => ({ PutRequest: { Item } })),
      ...old.filter((o) => !keep.has(o.sk)).map((o) => ({ DeleteRequest: { Key: { pk: o.pk, sk: o.sk } } })),
    ]);
    this.rosterCache = undefined;
  }

  /** Who owns a phone number (doctor or coordinator). */
  async personByPhone(
    phone: string,
  ): Promise<{ kind: 'doctor'; person: Doctor } | { kind: 'coordinator'; person: Coordinator } | undefined> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `PHONE#${phone}` },
      }),
    );
    const item = Items[0];
    if (!item) return undefined;
    return item.sk.startsWith('DOC#')
      ? { kind: 'doctor', person: strip<Doctor>(item) }
      : { kind: 'coordinator', person: strip<Coordinator>(item) };
  }

  // ---- contact channels -----------------------------------------------------------------------

  /** Makes an address usable again (START after STOP). */
  async markUsable(address: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: keys.channel(address) }));
  }

  /** Marks an address (phone or email) unusable, e.g. after STOP, a hard bounce or a complaint. */
  async markUnusable(address: string, reason: string, at: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...keys.channel(address), address, reason, at } }));
  }

  async isUnusable(address: string): Promise<boolean> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.channel(address) }));
    return Boolean(Item);
  }

  // ---- submitters: the trusted list, verification, limits ---------------------------------------

  async putTrusted(entry: TrustedEntry): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...keys.trusted(trustedKey(entry)), ...entry } }));
  }

  async deleteTrusted(entry: Pick<TrustedEntry, 'email' | 'domain'>): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: keys.trusted(trustedKey(entry)) }));
  }

  async listTrusted(): Promise<TrustedEntry[]> {
    return this.queryAll<TrustedEntry>({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'TRUSTED' },
    });
  }

  /** Whether the address or its domain is on the trusted list. */
  async onTrustedList(email: string): Promise<boolean> {
    const domain = email.slice(email.lastIndexOf('@') + 1);
    const found = await Promise.all(
      [trustedKey({ email }), trustedKey({ domain })].map((k) =>
        this.db.send(new GetCommand({ TableName: this.table, Key: keys.trusted(k), ConsistentRead: true })),
      ),
    );
    return found.some((f) => f.Item);
  }

  async setVerified(email: string, until: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...keys.verified(email), email, verifiedUntil: until } }));
  }

  async deleteVerified(email: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: keys.verified(email) }));
  }

  async verifiedUntil(email: string): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.verified(email), ConsistentRead: true }));
    return Item?.verifiedUntil as string | undefined;
  }

  /**
   * Claims the one verification email an address may get per period: true for the one caller that
   * wins, however many ask at once. `release` gives a claim back after a failed send.
   */
  async claimVerificationEmail(email: string, now: Date, periodMs: number): Promise<boolean> {
    return this.claimOnce(keys.verificationSent(email), now, periodMs);
  }

  async releaseVerificationEmail(email: string, claimedAt: Date): Promise<void> {
    await this.releaseClaim(keys.verificationSent(email), claimedAt);
  }

  /** A once-per-period alert (e.g. the page budget): true for the one caller that wins this period. */
  async claimAlert(name: string, now: Date, periodMs: number): Promise<boolean> {
    return this.claimOnce(keys.alert(name), now, periodMs);
  }

  async putVerifyToken(tokenHash: string, email: string, expiresAt: Date): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.verifyToken(tokenHash),
          email,
          expiresAt: expiresAt.toISOString(),
          ttl: Math.floor(expiresAt.getTime() / 1000) + 30 * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /**
   * Uses a verification token up, once: `unknown` when no token has this hash, `used` or `expired`
   * otherwise; only one caller ever gets `ok` (with the address the token verifies).
   */
  async useVerifyToken(
    tokenHash: string,
    now: Date,
  ): Promise<{ result: 'ok'; email: string } | { result: 'unknown' | 'used' | 'expired' }> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.verifyToken(tokenHash), ConsistentRead: true }));
    if (!Item) return { result: 'unknown' };
    if (Item.usedAt) return { result: 'used' };
    if (Item.expiresAt <= now.toISOString()) return { result: 'expired' };
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.verifyToken(tokenHash),
          UpdateExpression: 'SET usedAt = :now',
          ConditionExpression: 'attribute_not_exists(usedAt) AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
      return { result: 'ok', email: Item.email as string };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { result: 'used' };
      throw error;
    }
  }

  /** Ids of the referrals from this address still waiting for its verification, oldest first. */
  async waitingReferrals(email: string): Promise<string[]> {
    const items = await this.queryAll<{ referralId: string }>(prefixQuery(this.table, `SUBMITTER#${email}`, 'WAIT#'));
    return items.map((i) => i.referralId);
  }

  async deleteWaiting(email: string, referralId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: keys.waiting(email, referralId) }));
  }

  /** Counts `id` (once: a repeat is already counted) against the address's urgent referrals per day. */
  async takeUrgentSlot(email: string, id: string, limit: number, now: Date): Promise<boolean> {
    return this.takeFromWindow(keys.urgentWindow(email), id, 1, limit, 24 * 3_600_000, now);
  }

  /** Reserves `pages` doctor SMS pages for `id` (a case's wave; once) within the hourly page budget. */
  async takePageBudget(id: string, pages: number, limit: number, now: Date): Promise<boolean> {
    return this.takeFromWindow(keys.pageBudget(), id, pages, limit, 3_600_000, now);
  }

  /**
   * A rolling-window counter: one item lists what was counted in the window (`{id, at, n}`), so the
   * limit holds over any rolling window and under concurrency (optimistic version check, retried).
   * True when `n` more fit (or `id` was counted before), false when they would exceed `limit`.
   */
  private async takeFromWindow(
    key: { pk: string; sk: string },
    id: string,
    n: number,
    limit: number,
    windowMs: number,
    now: Date,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
      const since = new Date(now.getTime() - windowMs).toISOString();
      const live = ((Item?.entries ?? []) as WindowEntry[]).filter((e) => e.at > since);
      if (live.some((e) => e.id === id)) return true;
      if (live.reduce((sum, e) => sum + e.n, 0) + n > limit) return false;
      const version = (Item?.version as number | undefined) ?? 0;
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...key, entries: [...live, { id, at: now.toISOString(), n }], version: version + 1 },
            ConditionExpression: Item ? 'version = :v' : 'attribute_not_exists(pk)',
            ExpressionAttributeValues: Item ? { ':v': version } : undefined,
          }),
        );
        return true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * Math.min(attempt + 1, 5)));
      }
    }
    throw new Error('rolling window counter kept changing under us');
  }

  private async claimOnce(key: { pk: string; sk: string }, now: Date, periodMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, claimedAt: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR claimedAt <= :before',
          ExpressionAttributeValues: { ':before': new Date(now.getTime() - periodMs).toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async releaseClaim(key: { pk: string; sk: string }, claimedAt: Date): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: key,
          ConditionExpression: 'claimedAt = :at',
          ExpressionAttributeValues: { ':at': claimedAt.toISOString() },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  // ---- reminders ------------------------------------------------------------------------------

  async putReminder(reminder: Reminder): Promise<'created' | 'exists'> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys.reminder(reminder.referralId, reminder.step), ...reminder },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'exists';
      throw error;
    }
  }

  async reminders(referralId: string): Promise<Reminder[]> {
    return this.queryAll<Reminder>(prefixQuery(this.table, `REF#${referralId}`, 'REM#'));
  }

  /** Moves a reminder from `from` to `to`; false when it was not in `from`. */
  async markReminder(referralId: string, step: string, from: Reminder['state'], to: Reminder['state']): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.reminder(referralId, step),
          UpdateExpression: 'SET #s = :to',
          ConditionExpression: '#s = :from',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':to': to, ':from': from },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  // ---- plumbing -------------------------------------------------------------------------------

  /**
   * Runs a transaction; returns the indexes of the items whose condition failed (empty: it was
   * written). Only `ConditionalCheckFailed` decides anything; a cancel for a conflict or throttling,
   * or a throttled request, is tried again with backoff and then raises TryAgainError.
   */
  private async transact(items: TransactItems): Promise<Set<number>> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return new Set();
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const codes = (error.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
          const failed = new Set(codes.flatMap((c, i) => (c === 'ConditionalCheckFailed' ? [i] : [])));
          if (failed.size) return failed;
          if (!codes.length || !codes.every((c) => TRANSIENT_REASONS.has(c))) throw error;
        } else if (!TRANSIENT_ERRORS.some((type) => error instanceof type)) {
          throw error;
        }
        if (attempt >= TRANSACT_ATTEMPTS) throw new TryAgainError({ cause: error });
        await new Promise((r) => setTimeout(r, TRANSACT_BACKOFF_MS * 2 ** (attempt - 1) * (0.5 + Math.random())));
      }
    }
  }

  private async queryAll<T>(input: QueryCommandInput, keepKeys = false): Promise<T[]> {
    const out: T[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ ...input, ExclusiveStartKey }));
      for (const item of page.Items ?? []) out.push((keepKeys ? item : strip(item)) as T);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return out;
  }

  private async batchWrite(
    requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string],
  ): Promise<void> {
    for (let i = 0; i < requests.length; i += 25) {
      let pending: typeof requests | undefined = requests.slice(i, i + 25);
      for (let attempt = 0; pending?.length; attempt++) {
        if (attempt > 8) throw new Error('batch write kept coming back unprocessed');
        if (attempt) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt * Math.random()));
        const result: BatchWriteCommandOutput = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
        pending = result.UnprocessedItems?.[this.table];
      }
    }
  }
}

/** The fields the A-number index projects: the staff list's (no referral content). */
export const SUMMARY_FIELDS = ['referralId', 'status', 'urgency', 'createdAt', 'assignedDoctorId', 'holdReason', 'duplicateOf'] as const;
export type CaseSummary = Pick<CaseRecord, (typeof SUMMARY_FIELDS)[number]>;

/** An entry of the trusted list: an address or a whole domain. */
export interface TrustedEntry {
  email?: string;
  domain?: string;
  addedBy: string;
  addedAt: string;
}

interface WindowEntry {
  id: string;
  at: string;
  n: number;
}

const trustedKey = (e: { email?: string; domain?: string }) => (e.email ? `email:${e.email}` : `domain:${e.domain}`);

/** The attorney email a case came from, as the submitter items key it. */
export const submitterOf = (r: CaseRecord) => r.referral.attorney.email.toLowerCase();

/** The due index's one partition: cases with a `sweepAt` (a sparse index). */
const DUE = 'DUE';
/** The `cases` index's one partition. */
const CASES = 'CASE';
export const DUE_INDEX = 'due';

/**
 * Every index entry of a case item, declared once:
 * - gsi1: by status, newest first (the staff list with a status filter)
 * - cases: every case by creation time (the staff list without a filter, metrics and the CSV; projects
 *   the list and report fields only)
 * - gsi2: by the keyed hash of the A-number (duplicates, the staff list's `aNumber` filter)
 * - due: cases the sweeper should look at, by `sweepAt` (sparse: only cases that have one)
 */
function caseIndexes(r: CaseRecord) {
  const newest = `${r.createdAt}#${r.referralId}`;
  return {
    gsi1pk: `STATUS#${r.status}`,
    gsi1sk: newest,
    casesPk: CASES,
    casesSk: newest,
    ...(r.aNumberHash ? { gsi2pk: `ANUM#${r.aNumberHash}`, gsi2sk: newest } : {}),
    ...(r.sweepAt ? { duePk: DUE } : {}),
  };
}

/** A case as the table holds it: its key and every index entry with it. */
export function caseItem(record: CaseRecord): Record<string, unknown> {
  return { ...keys.case(record.referralId), ...caseIndexes(record), ...record };
}

/** The staff list's filters; each is served by one index. */
export interface CaseFilter {
  status?: Status;
  /** The keyed hash of a normalized A-number. */
  aNumberHash?: string;
}

/** The attributes the `cases` index projects: the staff queue's and the reports' fields (no PHI). */
export const CASE_LIST_FIELDS = [...SUMMARY_FIELDS, 'reasons', 'wave', 'nextWaveAt', 'deadline', 'assignedAt', 'closedAt', 'outcome'];

interface ListIndex {
  name: string;
  pk: string;
  sk: string;
  value: string;
}

/** Which index serves a filter: one line per filter (a person's few cases are then filtered by status). */
function listIndex(filter: CaseFilter): ListIndex {
  if (filter.aNumberHash) return { name: 'gsi2', pk: 'gsi2pk', sk: 'gsi2sk', value: `ANUM#${filter.aNumberHash}` };
  if (filter.status) return { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk', value: `STATUS#${filter.status}` };
  return { name: 'cases', pk: 'casesPk', sk: 'casesSk', value: CASES };
}

/** A cursor that does not belong to the list it was sent with. */
export class BadCursorError extends Error {}

/** A cursor names the list it belongs to (index and partition) and the last item's keys. */
function encodeCursor(index: ListIndex, item: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify([index.name, index.value, item.pk, item.sk, item[index.sk]])).toString('base64url');
}

function decodeCursor(cursor: string, index: ListIndex): Record<string, string> {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new BadCursorError('unreadable cursor', { cause });
  }
  if (!Array.isArray(parts) || parts.length !== 5 || !parts.every((x) => typeof x === 'string')) throw new BadCursorError('not a cursor');
  const [name, value, pk, sk, indexSk] = parts as string[];
  if (name !== index.name || value !== index.value || !pk.startsWith('REF#')) throw new BadCursorError('a cursor of another list');
  return { pk, sk, [index.pk]: index.value, [index.sk]: indexSk };
}

function prefixQuery(table: string, pk: string, prefix: string): QueryCommandInput {
  return {
    TableName: table,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
    ConsistentRead: true,
  };
}

/** Drops the key attributes so callers see the entity only. */
function strip<T>(item: Record<string, unknown>): T {
  const { pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, casesPk, casesSk, duePk, ttl, ...rest } = item;
  return rest as T;
}
