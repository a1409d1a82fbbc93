import { OPEN_FOR_OFFERS, type AttorneyOutcome, type CaseRecord } from '../domain/types.js';
import type { Approval, CasePort, OnceMark, ReceiptClaim } from './port.js';

/**
 * The named state changes of a case, declared once as data: what each sets and removes, and when it may
 * happen. The DynamoDB store turns a condition into a condition expression, the in-memory store
 * evaluates it; use cases only call the names (`CasePort`). Every change also needs the case to exist.
 */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { field: keyof CaseRecord; is: string | number }
  | { field: keyof CaseRecord; isNot: string | number }
  | { field: keyof CaseRecord; in: readonly string[] }
  | { field: keyof CaseRecord; absent: true }
  | { field: keyof CaseRecord; before: string };

export interface CaseChange {
  when?: Condition;
  set: Partial<CaseRecord>;
  remove?: (keyof CaseRecord)[];
}

const is = (field: keyof CaseRecord, value: string | number): Condition => ({ field, is: value });
const absent = (field: keyof CaseRecord): Condition => ({ field, absent: true });
const all = (...conditions: Condition[]): Condition => ({ all: conditions });
export const notClosed: Condition = { field: 'status', isNot: 'closed' };

/** A doctor may still take the case: open for offers and nobody assigned. */
export const openForOffers: Condition = all(absent('assignedDoctorId'), { field: 'status', in: OPEN_FOR_OFFERS });

/** The field each one-time mark sets. */
const ONCE_FIELDS = {
  coordinatorNotice: 'coordinatorNoticeAt',
  holdNotice: 'holdNoticeAt',
  escalation: 'escalationSentAt',
  budgetAlert: 'budgetAlertAt',
  intro: 'introSentAt',
} as const satisfies Record<OnceMark, keyof CaseRecord>;

/**
 * A new case as stored: due for the sweeper from the start (if the stream never delivers it, the sweeper
 * dispatches it), with copies at the top level of what the queue shows, so the list indexes carry them
 * (the referral itself stays out of them).
 */
export const newCase = (record: CaseRecord): CaseRecord => ({
  ...record,
  sweepAt: record.sweepAt ?? record.createdAt,
  ...listCopies(record),
});

/** What the queue shows of a referral (no PHI), copied to the top level of a case. */
export const listCopies = ({ referral }: CaseRecord): Partial<CaseRecord> => ({
  facilityState: referral.custody.facilityState,
  specialty: referral.request.specialty,
  ...(referral.attorney.organization ? { attorneyOrganization: referral.attorney.organization } : {}),
});

/** The changes a case goes through, by name (the port's methods below, and acceptOffer's case half). */
export const caseChanges = {
  claimWave: (wave: number, next: { nextWaveAt: string; sweepAt: string }): CaseChange => ({
    when: all(is('status', 'paging'), is('wave', wave - 1)),
    set: { wave, ...next },
  }),
  claimFinalWave: (wave: number, sweepAt: string): CaseChange => ({
    when: all(is('status', 'paging'), is('wave', wave - 1)),
    set: { wave, status: 'escalated', sweepAt },
    remove: ['nextWaveAt'],
  }),
  holdCase: (wave: number, holdReason: CaseRecord['holdReason']): CaseChange => ({
    when: all(is('status', 'paging'), is('wave', wave)),
    set: { status: 'held', holdReason },
    remove: ['nextWaveAt'],
  }),
  markOnce: (mark: OnceMark, at: string): CaseChange => ({ when: absent(ONCE_FIELDS[mark]), set: { [ONCE_FIELDS[mark]]: at } }),
  claimReceipt: (c: ReceiptClaim): CaseChange => ({
    when: {
      any: [
        absent('receipt'),
        is('receipt', 'pending'),
        all(is('receipt', 'sending'), { field: 'receiptClaimedAt', before: c.staleBefore }),
      ],
    },
    set: {
      receipt: 'sending',
      receiptClaimedAt: c.at,
      outcomeTokenHash: c.outcomeTokenHash,
      outcomeTokenExpiresAt: c.outcomeTokenExpiresAt,
    },
  }),
  finishReceipt: (to: 'sent' | 'pending'): CaseChange => ({ when: is('receipt', 'sending'), set: { receipt: to } }),
  approveCase: (a: Approval): CaseChange => ({
    when: a.fromHold ? all(is('status', a.from), is('holdReason', a.fromHold)) : is('status', a.from),
    set: { status: a.to, approvedBy: a.by, approvedAt: a.at, nextWaveAt: a.nextWaveAt },
    remove: ['holdReason'],
  }),
  releaseCase: (release: CaseRecord['release']): CaseChange => ({
    when: all(notClosed, absent('release')),
    set: { status: 'released', release },
    remove: ['nextWaveAt'],
  }),
  reportOutcome: (outcome: AttorneyOutcome, at: string): CaseChange => ({
    when: absent('attorneyOutcome'),
    set: { attorneyOutcome: outcome, attorneyOutcomeAt: at },
  }),
  withdrawOutcome: (at: string): CaseChange => ({
    when: is('attorneyOutcomeAt', at),
    set: {},
    remove: ['attorneyOutcome', 'attorneyOutcomeAt'],
  }),
  closeCase: (outcome: string, at: string): CaseChange => ({
    when: notClosed,
    set: { status: 'closed', outcome, closedAt: at },
    remove: ['nextWaveAt'],
  }),
  /** The release gains or corrects where the patient goes (zip, needs, insured); its date and reminders stay. */
  updateRelease: (release: CaseRecord['release']): CaseChange => ({ when: is('status', 'released'), set: { release } }),
  /** A handoff to a clinic, superseding the one numbered `number - 1` (two at once: one wins). */
  recordHandoff: (handoff: NonNullable<CaseRecord['handoff']>): CaseChange => ({
    when: all(is('status', 'released'), handoff.number === 1 ? absent('handoffNumber') : is('handoffNumber', handoff.number - 1)),
    set: { handoff, handoffNumber: handoff.number, ...(handoff.number === 1 ? { firstHandoffAt: handoff.at } : {}) },
  }),
  /** The patient reported care at the last check-in: marked once, for a coordinator to confirm. */
  markCareEstablished: (at: string): CaseChange => ({
    when: all(is('status', 'released'), absent('careEstablishedAt')),
    set: { careEstablishedAt: at },
  }),
  sweepFrom: (at: string): CaseChange => ({ set: { sweepAt: at } }),
  setSweepAt: (seen: string | undefined, next: string | undefined): CaseChange => ({
    when: seen === undefined ? absent('sweepAt') : is('sweepAt', seen),
    ...(next === undefined ? { set: {}, remove: ['sweepAt'] } : { set: { sweepAt: next } }),
  }),
  /** A doctor's accept (the case half of the accept transaction). */
  assign: (doctorId: string, at: string): CaseChange => ({
    when: openForOffers,
    set: { status: 'assigned', assignedDoctorId: doctorId, assignedAt: at },
    remove: ['nextWaveAt'],
  }),
};

type NamedChanges = Omit<
  CasePort,
  | 'createCase'
  | 'createCounted'
  | 'getCase'
  | 'casesByANumberHash'
  | 'listCases'
  | 'doctorLoad'
  | 'casesCreatedBetween'
  | 'pageCases'
  | 'dueCases'
>;

/** The port's named changes over one store's way of applying a change (true when it happened). */
export function namedCaseChanges(apply: (referralId: string, change: CaseChange) => Promise<boolean>): NamedChanges {
  return {
    claimWave: (id, wave, next) => apply(id, caseChanges.claimWave(wave, next)),
    claimFinalWave: (id, wave, sweepAt) => apply(id, caseChanges.claimFinalWave(wave, sweepAt)),
    holdCase: (id, wave, reason) => apply(id, caseChanges.holdCase(wave, reason)),
    markOnce: (id, mark, at) => apply(id, caseChanges.markOnce(mark, at)),
    claimReceipt: (id, claim) => apply(id, caseChanges.claimReceipt(claim)),
    finishReceipt: (id, to) => apply(id, caseChanges.finishReceipt(to)),
    approveCase: (id, approval) => apply(id, caseChanges.approveCase(approval)),
    releaseCase: (id, release) => apply(id, caseChanges.releaseCase(release)),
    reportOutcome: (id, outcome, at) => apply(id, caseChanges.reportOutcome(outcome, at)),
    withdrawOutcome: (id, at) => apply(id, caseChanges.withdrawOutcome(at)),
    closeCase: (id, outcome, at) => apply(id, caseChanges.closeCase(outcome, at)),
    updateRelease: (id, release) => apply(id, caseChanges.updateRelease(release)),
    recordHandoff: (id, handoff) => apply(id, caseChanges.recordHandoff(handoff)),
    markCareEstablished: (id, at) => apply(id, caseChanges.markCareEstablished(at)),
    sweepFrom: (id, at) => apply(id, caseChanges.sweepFrom(at)),
    setSweepAt: (id, seen, next) => apply(id, caseChanges.setSweepAt(seen, next)),
  };
}
