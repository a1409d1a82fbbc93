import type { ClinicService } from './clinics.js';
import type { Referral } from './referral.js';
import type { Urgency } from './triage.js';

/** `awaiting_verification` occurs only in cases stored before attorneys signed in (they can still be approved). */
export type Status = 'awaiting_verification' | 'held' | 'paging' | 'awaiting_review' | 'escalated' | 'assigned' | 'released' | 'closed';
export const STATUSES: Status[] = [
  'awaiting_verification',
  'held',
  'paging',
  'awaiting_review',
  'escalated',
  'assigned',
  'released',
  'closed',
];

/**
 * Why a case waits for a coordinator instead of paging, or (routine, in review) gets no offers: staff API
 * only; the submitter never sees it.
 */
export type HoldReason = 'new_submitter' | 'submitter_limit' | 'routine_limit' | 'page_budget' | 'duplicate';

/**
 * The status a submitter sees: a hold reads as review, whatever its reason (`awaiting_verification` is a
 * status of cases stored before attorneys signed in).
 */
export function publicStatus(status: Status): Status {
  return status === 'held' || status === 'awaiting_verification' ? 'awaiting_review' : status;
}

/** Statuses in which a doctor may still take the case. */
export const OPEN_FOR_OFFERS: Status[] = ['paging', 'awaiting_review', 'escalated'];

export type CloseOutcome = 'parole_granted' | 'parole_denied' | 'transferred' | 'removed' | 'withdrawn' | 'care_established';

/** What an attorney may report through the outcome link of the receipt. */
export type AttorneyOutcome = 'parole_granted' | 'parole_denied' | 'transferred' | 'removed';

export interface Release {
  releasedOn: string;
  state: string;
  city?: string;
  patientPhone?: string;
  patientLanguage: string;
  smsConsent: boolean;
  /** Where the patient goes: the ZIP clinics are matched around, what they need, and whether they are insured (default no). */
  zip?: string;
  needs?: ClinicService[];
  insured?: boolean;
}

/** The clinic a coordinator handed the patient over to; a later handoff (the patient moved) supersedes it. */
export interface Handoff {
  /** 1 for the first handoff of the case, 2 for the one that superseded it, … */
  number: number;
  clinicId: string;
  clinicName: string;
  at: string;
  by: string;
}

export interface CaseRecord {
  referralId: string;
  status: Status;
  urgency: Urgency;
  reasons: string[];
  createdAt: string;
  referral: Referral;
  /** Keyed hash (HMAC) of the normalized A-number: what the duplicate index holds, never the A-number. */
  aNumberHash?: string;
  holdReason?: HoldReason;
  /** The referral's requested deadline, if any (a copy at the top level for the queue's indexes). */
  deadline?: string;
  /** Copies of the referral's facility state, specialty and attorney organisation, for the queue's indexes (set when stored). */
  facilityState?: string;
  specialty?: string;
  attorneyOrganization?: string;
  /** An open case with the same A-number (staff API only). */
  duplicateOf?: string;
  /** A coordinator let the case proceed; its waves then skip the page budget. */
  approvedBy?: string;
  approvedAt?: string;
  /** Paging wave last started (0 = none yet). */
  wave: number;
  /** When the next wave is due, while one is pending. */
  nextWaveAt?: string;
  /** When the sweeper should next look at the case (its due index); absent when nothing can fall due. */
  sweepAt?: string;
  assignedDoctorId?: string;
  assignedAt?: string;
  release?: Release;
  outcome?: string;
  closedAt?: string;
  outcomeTokenHash?: string;
  outcomeTokenExpiresAt?: string;
  /** The outcome the attorney reported through the link, and when: recorded once, never changed by the link. */
  attorneyOutcome?: AttorneyOutcome;
  attorneyOutcomeAt?: string;
  /** The receipt email: claimed (`sending`, with the claim time), `sent`, or `pending` again after a failure. */
  receipt?: 'pending' | 'sending' | 'sent';
  receiptClaimedAt?: string;
  /** When the final wave's coordinator pages went out. */
  escalationSentAt?: string;
  /** Held by the page budget: when the coordinators' alert about it was done (sent, or sent for another case within the hour). */
  budgetAlertAt?: string;
  /** When one-time notices went out (claimed before sending). */
  coordinatorNoticeAt?: string;
  /** When the coordinators' notice of a hold went out. */
  holdNoticeAt?: string;
  introSentAt?: string;
  /** The current handoff and its number (the condition a superseding handoff is written under). */
  handoff?: Handoff;
  handoffNumber?: number;
  /** When the first handoff was made (release → handoff metrics). */
  firstHandoffAt?: string;
  /** The patient answered 1 at the day-30 check-in: care established, for a coordinator to confirm by closing. */
  careEstablishedAt?: string;
}

/** pending → sending (claimed, token hash stored) → sent; skipped when the address is unusable. */
export type ChannelState = 'pending' | 'sending' | 'sent' | 'skipped';
export type OfferState = 'open' | 'accepted' | 'declined' | 'withdrawn';

export interface Offer {
  offerId: string;
  referralId: string;
  doctorId: string;
  wave: number;
  code: string;
  state: OfferState;
  /** Hash of the link token sent on each channel (each channel's link has its own token). */
  tokenHashes: { sms?: string; email?: string };
  tokenExpiresAt: string;
  sms: ChannelState;
  email: ChannelState;
  createdAt: string;
  decidedAt?: string;
  declineReason?: string;
}

export interface TimelineEvent {
  at: string;
  event: string;
  actor?: string;
  details?: Record<string, string | number | boolean>;
}

export interface Reminder {
  referralId: string;
  step: string;
  dueAt: string;
  audience: 'coordinator' | 'patient';
  state: 'scheduled' | 'sending' | 'sent' | 'cancelled';
}
