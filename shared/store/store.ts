import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand, type BatchWriteCommandOutput, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand,
  TransactWriteCommand, UpdateCommand, type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Coordinator, Doctor, Roster, Shift } from '../domain/roster.js';
import type { CaseRecord, ChannelState, Offer, OfferState, Reminder, Status, TimelineEvent } from '../domain/types.js';
import type { ReportCase } from '../domain/metrics.js';
import { CREATED_INDEX, createdIndexKeys, keys } from './keys.js';

export class ConditionFailedError extends Error {}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

export interface ReplyCode {
  code: string;
  referralId: string;
  offerId: string;
}

/** The single table, read and written through typed functions only. */
export class Store {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  // ---- referrals ------------------------------------------------------------------------------

  /**
   * Stores a new case; fails with ConditionFailedError when the id is taken. A case awaiting
   * verification is stored together with its pointer under the submitter's address, in one transaction.
   */
  async createCase(record: CaseRecord): Promise<void> {
    const put = {
      TableName: this.table,
      Item: {
        ...keys.case(record.referralId), ...statusIndex(record), ...createdIndexKeys(record.createdAt, record.referralId), ...aNumberIndex(record),
        ...record,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
    if (record.status !== 'awaiting_verification') {
      await this.conditional(this.db.send(new PutCommand(put)));
      return;
    }
    const pointer = { ...keys.waiting(submitterOf(record), record.referralId), referralId: record.referralId, createdAt: record.createdAt };
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, { Put: { TableName: this.table, Item: pointer } }] }));
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
        throw new ConditionFailedError('condition failed', { cause: error });
      }
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

  /** Cases with a status, newest first. */
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
   * creation-date index one month at a time: the cost follows the range, not the table.
   */
  async casesCreatedBetween(start: string, end: string): Promise<ReportCase[]> {
    const out: ReportCase[] = [];
    for (const month of monthsBetween(start, end)) {
      out.push(...await this.queryAll<ReportCase>({
        TableName: this.table,
        IndexName: CREATED_INDEX.name,
        KeyConditionExpression: '#m = :m AND #k BETWEEN :start AND :end',
        // `<end>` sorts before every `<end>#<id>`: a case created exactly at `end` is left out, as it should be
        ExpressionAttributeNames: { '#m': CREATED_INDEX.partitionKey, '#k': CREATED_INDEX.sortKey },
        ExpressionAttributeValues: { ':m': month, ':start': start, ':end': end },
      }));
    }
    return out;
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
    // gsi1sk (createdAt) stays, so lists stay newest first
    const fields: Record<string, unknown> = set.status ? { ...set, gsi1pk: `STATUS#${set.status}` } : { ...set };
    const names: Record<string, string> = {};
    for (const [alias, name] of [['#status', 'status'], ['#wave', 'wave']]) if (condition.expression.includes(alias)) names[alias] = name;
    const values: Record<string, unknown> = { ...condition.values };
    const sets = Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:f${i}`] = v;
      return `#f${i} = :f${i}`;
    });
    const removes = remove.map((k, i) => {
      names[`#r${i}`] = k;
      return `#r${i}`;
    });
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.table,
        Key: keys.case(referralId),
        UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
          .filter(Boolean).join(' '),
        ConditionExpression: `attribute_exists(pk) AND (${condition.expression})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
      }));
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
    try {
      await this.db.send(new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: this.table,
              Key: keys.case(offer.referralId),
              ConditionExpression: 'attribute_not_exists(assignedDoctorId) AND #status IN (:paging, :review, :escalated)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':paging': 'paging', ':review': 'awaiting_review', ':escalated': 'escalated' },
            },
          },
          { Put: { TableName: this.table, Item: { ...keys.offer(offer.referralId, offer.doctorId), ...offer }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Put: { TableName: this.table, Item: { ...keys.offerPointer(offer.offerId), referralId: offer.referralId, doctorId: offer.doctorId } } },
          {
            Put: {
              TableName: this.table,
              Item: { ...keys.code(offer.doctorId, offer.code), referralId: offer.referralId, offerId: offer.offerId, open: true, ttl: codeTtl },
              ConditionExpression: 'attribute_not_exists(pk) OR #open = :closed',
              ExpressionAttributeNames: { '#open': 'open' },
              ExpressionAttributeValues: { ':closed': false },
            },
          },
        ],
      }));
      return 'created';
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'closed';
        if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'exists';
        if (reasons[3]?.Code === 'ConditionalCheckFailed') return 'code-taken';
      }
      throw error;
    }
  }

  async getOffer(referralId: string, doctorId: string): Promise<Offer | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.offer(referralId, doctorId), ConsistentRead: true }));
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
    const items = await this.queryAll<{ sk: string; referralId: string; offerId: string; open: boolean }>(prefixQuery(this.table, `DOC#${doctorId}`, 'CODE#'), true);
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
      await this.db.send(new UpdateCommand({
        TableName: this.table,
        Key: keys.offer(offer.referralId, offer.doctorId),
        UpdateExpression: tokenHash ? 'SET #c = :to, tokenHashes.#c = :h' : 'SET #c = :to',
        ConditionExpression: '#c = :from',
        ExpressionAttributeNames: { '#c': channel },
        ExpressionAttributeValues: { ':to': to, ':from': from, ...(tokenHash ? { ':h': tokenHash } : {}) },
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Closes an open offer (declined or withdrawn) and closes its reply code.
   * False when the offer was no longer open.
   */
  async closeOffer(offer: Offer, state: 'declined' | 'withdrawn', at: string, reason?: string): Promise<boolean> {
    try {
      await this.db.send(new TransactWriteCommand({
        TransactItems: this.offerDecided(offer, state, at, reason),
      }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  /**
   * The one conditional write that decides who gets a case: the case must be open for offers and
   * unassigned, the offer open. Returns false when any condition failed.
   */
  async acceptOffer(offer: Offer, at: string): Promise<boolean> {
    try {
      await this.db.send(new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.table,
              Key: keys.case(offer.referralId),
              UpdateExpression: 'SET #status = :assigned, gsi1pk = :gsi, assignedDoctorId = :doc, assignedAt = :at REMOVE nextWaveAt',
              ConditionExpression: 'attribute_not_exists(assignedDoctorId) AND #status IN (:paging, :review, :escalated)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':assigned': 'assigned', ':gsi': 'STATUS#assigned', ':doc': offer.doctorId, ':at': at,
                ':paging': 'paging', ':review': 'awaiting_review', ':escalated': 'escalated',
              },
            },
          },
          ...this.offerDecided(offer, 'accepted', at),
        ],
      }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
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

  async roster(): Promise<Roster> {
    const items = await this.queryAll<Record<string, unknown> & { sk: string }>(
      { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'ROSTER' } },
      true,
    );
    const pick = <T>(prefix: string) => items.filter((i) => i.sk.startsWith(prefix)).map((i) => strip<T>(i));
    return { doctors: pick<Doctor>('DOC#'), coordinators: pick<Coordinator>('COORD#'), shifts: pick<Shift>('SHIFT#') };
  }

  /** Replaces the roster: writes every entry, then deletes entries the new roster no longer has. */
  async replaceRoster(roster: Roster): Promise<void> {
    const items = [
      ...roster.doctors.map((d) => ({ ...keys.doctor(d.id), gsi1pk: `PHONE#${d.phone}`, gsi1sk: `DOC#${d.id}`, ...d })),
      ...roster.coordinators.map((c) => ({ ...keys.coordinator(c.id), gsi1pk: `PHONE#${c.phone}`, gsi1sk: `COORD#${c.id}`, ...c })),
      ...roster.shifts.map((s) => ({ ...keys.shift(s.start, s.doctorId), ...s })),
    ];
    const keep = new Set(items.map((i) => i.sk));
    const old = await this.queryAll<{ pk: string; sk: string }>(
      { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'ROSTER' }, ProjectionExpression: 'pk, sk' },
      true,
    );
    await this.batchWrite([
      ...items.map((Item) => ({ PutRequest: { Item } })),
      ...old.filter((o) => !keep.has(o.sk)).map((o) => ({ DeleteRequest: { Key: { pk: o.pk, sk: o.sk } } })),
    ]);
  }

  /** Who owns a phone number (doctor or coordinator). */
  async personByPhone(phone: string): Promise<{ kind: 'doctor'; person: Doctor } | { kind: 'coordinator'; person: Coordinator } | undefined> {
    const { Items = [] } = await this.db.send(new QueryCommand({
      TableName: this.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `PHONE#${phone}` },
    }));
    const item = Items[0];
    if (!item) return undefined;
    return item.sk.startsWith('DOC#') ? { kind: 'doctor', person: strip<Doctor>(item) } : { kind: 'coordinator', person: strip<Coordinator>(item) };
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
    return this.queryAll<TrustedEntry>({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'TRUSTED' } });
  }

  /** Whether the address or its domain is on the trusted list. */
  async onTrustedList(email: string): Promise<boolean> {
    const domain = email.slice(email.lastIndexOf('@') + 1);
    const found = await Promise.all([trustedKey({ email }), trustedKey({ domain })].map((k) =>
      this.db.send(new GetCommand({ TableName: this.table, Key: keys.trusted(k), ConsistentRead: true }))));
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
    await this.db.send(new PutCommand({
      TableName: this.table,
      Item: { ...keys.verifyToken(tokenHash), email, expiresAt: expiresAt.toISOString(), ttl: Math.floor(expiresAt.getTime() / 1000) + 30 * 86_400 },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  }

  /**
   * Uses a verification token up, once: `unknown` when no token has this hash, `used` or `expired`
   * otherwise; only one caller ever gets `ok` (with the address the token verifies).
   */
  async useVerifyToken(tokenHash: string, now: Date): Promise<{ result: 'ok'; email: string } | { result: 'unknown' | 'used' | 'expired' }> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.verifyToken(tokenHash), ConsistentRead: true }));
    if (!Item) return { result: 'unknown' };
    if (Item.usedAt) return { result: 'used' };
    if (Item.expiresAt <= now.toISOString()) return { result: 'expired' };
    try {
      await this.db.send(new UpdateCommand({
        TableName: this.table,
        Key: keys.verifyToken(tokenHash),
        UpdateExpression: 'SET usedAt = :now',
        ConditionExpression: 'attribute_not_exists(usedAt) AND expiresAt > :now',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }));
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
  private async takeFromWindow(key: { pk: string; sk: string }, id: string, n: number, limit: number, windowMs: number, now: Date): Promise<boolean> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
      const since = new Date(now.getTime() - windowMs).toISOString();
      const live = ((Item?.entries ?? []) as WindowEntry[]).filter((e) => e.at > since);
      if (live.some((e) => e.id === id)) return true;
      if (live.reduce((sum, e) => sum + e.n, 0) + n > limit) return false;
      const version = (Item?.version as number | undefined) ?? 0;
      try {
        await this.db.send(new PutCommand({
          TableName: this.table,
          Item: { ...key, entries: [...live, { id, at: now.toISOString(), n }], version: version + 1 },
          ConditionExpression: Item ? 'version = :v' : 'attribute_not_exists(pk)',
          ExpressionAttributeValues: Item ? { ':v': version } : undefined,
        }));
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
      await this.db.send(new PutCommand({
        TableName: this.table,
        Item: { ...key, claimedAt: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR claimedAt <= :before',
        ExpressionAttributeValues: { ':before': new Date(now.getTime() - periodMs).toISOString() },
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async releaseClaim(key: { pk: string; sk: string }, claimedAt: Date): Promise<void> {
    try {
      await this.db.send(new DeleteCommand({
        TableName: this.table, Key: key, ConditionExpression: 'claimedAt = :at', ExpressionAttributeValues: { ':at': claimedAt.toISOString() },
      }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  // ---- reminders ------------------------------------------------------------------------------

  async putReminder(reminder: Reminder): Promise<'created' | 'exists'> {
    try {
      await this.db.send(new PutCommand({
        TableName: this.table,
        Item: { ...keys.reminder(reminder.referralId, reminder.step), ...reminder },
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
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
      await this.db.send(new UpdateCommand({
        TableName: this.table,
        Key: keys.reminder(referralId, step),
        UpdateExpression: 'SET #s = :to',
        ConditionExpression: '#s = :from',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':to': to, ':from': from },
      }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  // ---- plumbing -------------------------------------------------------------------------------

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

  private async batchWrite(requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string]): Promise<void> {
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

  private async conditional(p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ConditionFailedError('condition failed', { cause: error });
      throw error;
    }
  }
}

/** The fields the A-number index projects (no referral content). */
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

function aNumberIndex(r: CaseRecord) {
  return r.aNumberHash ? { gsi2pk: `ANUM#${r.aNumberHash}`, gsi2sk: `${r.createdAt}#${r.referralId}` } : {};
}

function statusIndex(r: CaseRecord) {
  return { gsi1pk: `STATUS#${r.status}`, gsi1sk: `${r.createdAt}#${r.referralId}` };
}

/** The UTC months (`YYYY-MM`) from the one holding `start` to the one holding `end`. */
function monthsBetween(start: string, end: string): string[] {
  const months: string[] = [];
  const d = new Date(`${start.slice(0, 7)}-01T00:00:00Z`);
  while (d.toISOString().slice(0, 7) <= end.slice(0, 7)) {
    months.push(d.toISOString().slice(0, 7));
    d.setUTCMonth(d.getUTCMonth() + 1);
  }
  return months;
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
  const { pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, ttl, createdMonth, createdKey, ...rest } = item;
  return rest as T;
}
