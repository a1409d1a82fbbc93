import type { ReportCase } from '../domain/metrics.js';
import type { Clinic } from '../domain/clinics.js';
import type { Coordinator, Doctor, Roster } from '../domain/roster.js';
import type {
  AttorneyOutcome,
  CaseRecord,
  ChannelState,
  CloseOutcome,
  Handoff,
  HoldReason,
  Offer,
  Release,
  Reminder,
  Status,
  TimelineEvent,
} from '../domain/types.js';
import type { CaseDocument, DocumentStatus, RejectReason } from '../domain/documents.js';
import type { SUMMARY_FIELDS } from './items.js';

/**
 * The store port: everything the flows keep, as typed reads and named state changes. Use cases and
 * `shared/deps.ts` type against this; `shared/store/dynamodb/` is the single table behind it,
 * `shared/store/memory.ts` the same semantics in plain Maps (tests). Every conditional change says by
 * its answer whether it happened (false, 'exists', 'closed', …); none of them takes a condition.
 */
export interface StorePort
  extends CasePort,
    TimelinePort,
    OfferPort,
    RosterPort,
    ChannelPort,
    TrustPort,
    LimitPort,
    ReminderPort,
    ClinicPort,
    DocumentPort {}

/** The fields the A-number index projects: the staff list's (no referral content). */
export type CaseSummary = Pick<CaseRecord, (typeof SUMMARY_FIELDS)[number]>;

/** The staff list's filters; each is served by one index. */
export interface CaseFilter {
  status?: Status;
  /** The keyed hash of a normalized A-number. */
  aNumberHash?: string;
  /** Urgent cases that still need a doctor (paging, escalated, held), oldest first; takes no other filter. */
  needsDoctor?: boolean;
  /** The cases an attorney submitted (their email, any case); takes no other filter. */
  submitter?: string;
  /** The cases a doctor accepted (their roster id), whatever their status now; takes no other filter. */
  doctorId?: string;
}

/** A cursor that does not belong to the list it was sent with. */
export class BadCursorError extends Error {}

/** What a referral becomes at intake. */
export type Admission = Pick<CaseRecord, 'status' | 'holdReason' | 'duplicateOf'>;

/**
 * A coordinator lets a case still in `from` (and, for a case set aside in review, still set aside for
 * `fromHold`) proceed to `to` (`nextWaveAt` when it resumes paging).
 */
export interface Approval {
  from: Status;
  fromHold?: HoldReason;
  to: Status;
  by: string;
  at: string;
  nextWaveAt?: string;
}

/** A claim on sending the receipt, with the new outcome token's hash; a claim made before `staleBefore` died mid-send. */
export interface ReceiptClaim {
  at: string;
  staleBefore: string;
  outcomeTokenHash: string;
  outcomeTokenExpiresAt: string;
}

/** One-time marks of a case: whoever sets one first sends what it stands for. */
export type OnceMark = 'coordinatorNotice' | 'holdNotice' | 'escalation' | 'budgetAlert' | 'intro';

export interface CasePort {
  /** Stores a new case; false when the id is taken. It is due for the sweeper from the start. */
  createCase(record: CaseRecord): Promise<boolean>;
  /**
   * Stores a new case and counts it (its id) against each daily allowance, all in one write or none:
   * `taken` when the id is taken, `over` when an allowance has no room left in the rolling day ending
   * `now`. Nothing is read first: a counter is read only when it refuses the count.
   */
  createCounted(record: CaseRecord, counts: DailyCount[], now: Date): Promise<'created' | 'taken' | 'over'>;
  getCase(referralId: string): Promise<CaseRecord | undefined>;
  /** Cases whose A-number has this keyed hash, newest first, as summaries. */
  casesByANumberHash(hash: string): Promise<CaseSummary[]>;
  /** Cases with a status, newest first (every one; for small sets such as `assigned`). */
  listCases(status: Status): Promise<CaseRecord[]>;
  /** Open assigned cases per doctor id (read from an index that holds only the doctor of each). */
  doctorLoad(): Promise<Map<string, number>>;
  /** The report fields of the cases created in [start, end) (ISO instants), oldest first. */
  casesCreatedBetween(start: string, end: string): Promise<ReportCase[]>;
  /**
   * One page of the staff list, newest first (`needsDoctor`: oldest first): `limit` items and, when more follow, an opaque cursor for
   * the next page. BadCursorError for a cursor this filter did not hand out.
   */
  pageCases(filter: CaseFilter, limit: number, cursor?: string): Promise<{ items: CaseSummary[]; nextCursor?: string }>;
  /** Cases the sweeper should look at (`sweepAt` at or before `before`), longest waiting first. */
  dueCases(before: string, limit: number): Promise<{ referralId: string; sweepAt: string }[]>;

  // named state changes: each true (or the named answer) only for the caller whose change happened
  /** Wave `wave - 1 → wave` while paging: the wave is claimed, with when the next is due and the sweeper looks. */
  claimWave(referralId: string, wave: number, next: { nextWaveAt: string; sweepAt: string }): Promise<boolean>;
  /** The final wave claimed as `claimWave` does: the case becomes `escalated`, no next wave. */
  claimFinalWave(referralId: string, wave: number, sweepAt: string): Promise<boolean>;
  /** A case paging at `wave` becomes `held` for `reason`; its next wave is dropped. */
  holdCase(referralId: string, wave: number, reason: HoldReason): Promise<boolean>;
  /** Sets a one-time mark (e.g. the coordinators' notice went out); true only for the first. */
  markOnce(referralId: string, mark: OnceMark, at: string): Promise<boolean>;
  /**
   * Claims sending the receipt (with the new outcome token's hash): when none was claimed, a failed send
   * gave it back, or a claim made before `staleBefore` died mid-send.
   */
  claimReceipt(referralId: string, claim: ReceiptClaim): Promise<boolean>;
  /** A claimed receipt is `sent`, or `pending` again after a failed send. */
  finishReceipt(referralId: string, to: 'sent' | 'pending'): Promise<boolean>;
  /** A coordinator lets a case proceed (its hold reason dropped), unless its status changed since it was read. */
  approveCase(referralId: string, approval: Approval): Promise<boolean>;
  /** The client was released: a case not closed and not released before becomes `released`, no next wave. */
  releaseCase(referralId: string, release: Release): Promise<boolean>;
  /** Records the attorney's reported outcome, unless one was recorded before. */
  reportOutcome(referralId: string, outcome: AttorneyOutcome, at: string): Promise<boolean>;
  /** Takes back the outcome recorded at `at` (what it should have set going failed), so reporting it again is a first report. */
  withdrawOutcome(referralId: string, at: string): Promise<boolean>;
  /** Closes a case not closed yet with its outcome; no next wave. */
  closeCase(referralId: string, outcome: CloseOutcome, at: string): Promise<boolean>;
  /** A released case's release gains or corrects zip, needs and insured (its date and reminders stay). */
  updateRelease(referralId: string, release: Release): Promise<boolean>;
  /** Records a handoff while the case is released and its previous handoff is the one numbered `number - 1`. */
  recordHandoff(referralId: string, handoff: Handoff): Promise<boolean>;
  /** Marks a released case's care established (once), for a coordinator to confirm. */
  markCareEstablished(referralId: string, at: string): Promise<boolean>;
  /** The sweeper looks at the case from `at` on (something was left for it). */
  sweepFrom(referralId: string, at: string): Promise<boolean>;
  /** Sets (or, with undefined, clears) when the sweeper next looks, unless it changed since `seen` was read. */
  setSweepAt(referralId: string, seen: string | undefined, next: string | undefined): Promise<boolean>;
}

export interface TimelinePort {
  addEvent(referralId: string, event: TimelineEvent): Promise<void>;
  /** Adds an event that happens once in a case's life (e.g. `received`); a repeat changes nothing. */
  addEventOnce(referralId: string, event: TimelineEvent): Promise<void>;
  /** A case's events, oldest first. */
  timeline(referralId: string): Promise<TimelineEvent[]>;
}

/** An open reply code of a doctor's and the offer it answers. */
export interface ReplyCode {
  code: string;
  referralId: string;
  offerId: string;
}

export interface OfferPort {
  /**
   * Stores an offer with its reply code, all or nothing, while the case is open for offers: 'closed'
   * when the case was accepted or closed, 'exists' when this doctor already has an offer for the case,
   * 'code-taken' when the doctor has another open offer with that code. `codeTtl` (epoch seconds): when
   * the code may be forgotten.
   */
  createOffer(offer: Offer, codeTtl: number): Promise<'created' | 'closed' | 'exists' | 'code-taken'>;
  getOffer(referralId: string, doctorId: string): Promise<Offer | undefined>;
  getOfferById(offerId: string): Promise<Offer | undefined>;
  /** A case's offers, by doctor id. */
  listOffers(referralId: string): Promise<Offer[]>;
  /** The doctor's open reply codes, by code. */
  openCodes(doctorId: string): Promise<ReplyCode[]>;
  /** A reply code of the doctor's, open or closed (closed ones answer "already decided"). */
  getCode(doctorId: string, code: string): Promise<ReplyCode | undefined>;
  /** Moves one channel of an offer from `from` to `to` (with the hash of the token it carries); false when it was not in `from`. */
  markChannel(offer: Offer, channel: 'sms' | 'email', from: ChannelState, to: ChannelState, tokenHash?: string): Promise<boolean>;
  /** Closes an open offer (declined or withdrawn) and its reply code; false when it was no longer open. TryAgainError: undecided. */
  closeOffer(offer: Offer, state: 'declined' | 'withdrawn', at: string, reason?: string): Promise<boolean>;
  /**
   * The one change that decides who gets a case: the case open for offers and unassigned, the offer
   * open; the case becomes `assigned`, the offer `accepted`, its code closed, all or nothing. False when
   * a condition failed; TryAgainError when contention left it undecided.
   */
  acceptOffer(offer: Offer, at: string): Promise<boolean>;
}

export interface RosterPort {
  /** The roster, each list by id (shifts by start, then doctor). */
  roster(): Promise<Roster>;
  /** Replaces the whole roster. */
  replaceRoster(roster: Roster): Promise<void>;
  /** Who owns a phone number (a coordinator before a doctor with the same number). */
  personByPhone(phone: string): Promise<{ kind: 'doctor'; person: Doctor } | { kind: 'coordinator'; person: Coordinator } | undefined>;
}

export interface ChannelPort {
  /** Marks an address (`sms:+1…`, `email:…`) unusable, e.g. after STOP, a hard bounce or a complaint. */
  markUnusable(address: string, reason: string, at: string): Promise<void>;
  /** Makes an address usable again (START after STOP). */
  markUsable(address: string): Promise<void>;
  isUnusable(address: string): Promise<boolean>;
}

/** An entry of the trusted list: an address or a whole domain. */
export interface TrustedEntry {
  email?: string;
  domain?: string;
  addedBy: string;
  addedAt: string;
}

export interface TrustPort {
  putTrusted(entry: TrustedEntry): Promise<void>;
  deleteTrusted(entry: Pick<TrustedEntry, 'email' | 'domain'>): Promise<void>;
  /** The trusted list: domains, then addresses, each in order. */
  listTrusted(): Promise<TrustedEntry[]>;
  /** Whether the address or its exact domain is on the trusted list (sub-domains never match). */
  onTrustedList(email: string): Promise<boolean>;
  /** Puts a new attorney's referral on the coordinators' next digest (a repeat changes nothing). */
  queueDigest(referralId: string): Promise<void>;
  /** The referrals waiting for the next digest, by id. */
  digestQueue(): Promise<string[]>;
  /** Takes referrals off the digest queue (they were listed). */
  clearDigest(referralIds: string[]): Promise<void>;
}

/** The rolling-day allowances: `owner` is an address, or a domain for `urgent_domain`. */
export type DailyCounter = 'urgent' | 'urgent_domain' | 'routine';

/** One of an attorney's daily allowances that a case is counted against as it is stored (`CasePort.createCounted`). */
export interface DailyCount {
  counter: DailyCounter;
  owner: string;
  limit: number;
}

export interface LimitPort {
  /** Reserves `pages` doctor SMS pages for `id` (a case's wave; once) within the rolling hour's page budget. */
  takePageBudget(id: string, pages: number, limit: number, now: Date): Promise<boolean>;
  /** A once-per-period alert (e.g. the page budget): true for the one caller that wins this period. */
  claimAlert(name: string, now: Date, periodMs: number): Promise<boolean>;
  /** Gives back the alert claimed at `claimedAt` (its send failed), so the next caller claims it; a newer claim stays. */
  releaseAlert(name: string, claimedAt: Date): Promise<void>;
  /**
   * Claims the one SMS of a kind a phone number may get on a program day (`YYYY-MM-DD`): true for the
   * first caller, and again for the same `holder` (a retry of the send it claimed for); forgotten after the day.
   */
  claimDailySms(kind: DailySms, phone: string, day: string, holder: string): Promise<boolean>;
}

/** SMS a number gets at most one of a day: a patient's (whoever asked for it), an answer to a number not on the roster. */
export type DailySms = 'patient' | 'unknown_sender';

export interface ReminderPort {
  putReminder(reminder: Reminder): Promise<'created' | 'exists'>;
  /** A case's reminders, by step. */
  reminders(referralId: string): Promise<Reminder[]>;
  /** Moves a reminder from `from` to `to`; false when it was not in `from`. */
  markReminder(referralId: string, step: string, from: Reminder['state'], to: Reminder['state']): Promise<boolean>;
}

/** The clinic directory, and which released patient a phone number belongs to (check-in replies). */
export interface ClinicPort {
  /** The directory, by id. */
  clinics(): Promise<Clinic[]>;
  /** Replaces the whole directory. */
  replaceClinics(clinics: Clinic[]): Promise<void>;
  /** The patient with this number was handed over in this case (the latest handoff to that number wins). */
  setHandoffPhone(phone: string, referralId: string): Promise<void>;
  /** The case of the latest handoff to this number, if any. */
  handoffByPhone(phone: string): Promise<string | undefined>;
}

/** A case's documents: one item each under the case, and a count that holds the per-case limit. */
export interface DocumentPort {
  /**
   * Stores a new `scanning` document while the case is open and has fewer than `max`, all or nothing:
   * 'full' at the limit (however many upload at once), 'closed' when the case is closed or gone.
   */
  addDocument(document: CaseDocument, max: number): Promise<'created' | 'full' | 'closed'>;
  getDocument(referralId: string, documentId: string): Promise<CaseDocument | undefined>;
  /** A case's documents, oldest first. */
  listDocuments(referralId: string): Promise<CaseDocument[]>;
  /**
   * A document still in `from` becomes `available` or `rejected` (with why), once: false when it is no
   * longer in `from` (a repeated scan event decided first) or there is no such document.
   */
  settleDocument(
    referralId: string,
    documentId: string,
    from: DocumentStatus,
    to: Exclude<DocumentStatus, 'scanning'>,
    at: string,
    reason?: RejectReason,
  ): Promise<boolean>;
  /**
   * Marks every document of a case (and its count) to expire at `expiresAt`, unless marked before (so a
   * repeated close keeps the first date); the table's TTL removes them after it.
   */
  expireDocuments(referralId: string, expiresAt: string): Promise<void>;
}

/** The attorney email a case came from, as the store keys its submitter. */
export const submitterOf = (r: CaseRecord) => r.referral.attorney.email.toLowerCase();
