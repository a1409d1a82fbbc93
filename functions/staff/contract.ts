import * as z from '../../shared/zod.js';
import { ClinicDirectorySchema, ClinicImportQuery, ClinicMatchQuery, ClinicSchema, HandoffBody } from '../../shared/domain/clinics.js';
import { CoverageQuery } from '../../shared/domain/coverage.js';
import { CLOSE_OUTCOMES, DateRangeQuery } from '../../shared/domain/metrics.js';
import { NoteBody } from '../../shared/domain/notes.js';
import { referralSchema, SPECIALTIES } from '../../shared/domain/referral.js';
import { releaseSchema } from '../../shared/domain/reminders.js';
import { DoctorSchema, RosterSchema } from '../../shared/domain/roster.js';
import { calendarDate, instant, referralId, Status, Urgency, type Contracts } from '../../shared/http/contract.js';
import { ListQuery } from '../../shared/usecases/staff.js';
import type { RouteKey } from '../routes.js';

export const CloseBody = z.strictObject({
  outcome: z.enum(CLOSE_OUTCOMES, { error: `must be one of: ${CLOSE_OUTCOMES.join(', ')}` }),
});

const domain = z.string().check(z.trim(), z.toLowerCase(), z.regex(/^@?([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a domain such as example.org'));
/** `approve`'s optional body: `trustSubmitter` also puts the attorney's email on the approved list. */
export const ApproveBody = z.strictObject({ trustSubmitter: z.optional(z.boolean({ error: 'must be true or false' })) });

export const SubmitterBody = z.union([z.strictObject({ email: z.email('must be an email address') }), z.strictObject({ domain })], {
  error: 'give either "email" or "domain"',
});

/** The staff routes' declarations (built when the OpenAPI document is, not at the handler's cold start). */
export function contract(): Contracts<RouteKey<'staff'>> {
  const holdReason = z.enum(['new_submitter', 'submitter_limit', 'routine_limit', 'page_budget', 'duplicate']);

  /** A case as the list documents it (`listItem`), and as the queue view shows it (`queueItem`). */
  const ListItem = z.strictObject({
    referralId,
    status: Status,
    urgency: Urgency,
    createdAt: instant,
    assignedDoctorId: z.optional(z.string()),
    holdReason: z.optional(holdReason),
    duplicateOf: z.optional(referralId),
    // what tells cases apart in the queue without naming the client
    facilityState: z.optional(z.string()),
    specialty: z.optional(z.string()),
    attorneyOrganization: z.optional(z.string()),
  });
  const QueueItem = z.extend(ListItem, {
    reasons: z.array(z.string()),
    wave: z.int(),
    nextWaveAt: z.optional(instant),
    deadline: z.optional(calendarDate),
  });

  const channelState = z.enum(['pending', 'sending', 'sent', 'skipped']);
  const TimelineEvent = z.strictObject({
    at: instant,
    event: z.string(),
    actor: z.optional(z.string()),
    details: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
  });

  /** The full case for coordinators (`caseDetail`): never a token or A-number hash. */
  const CaseDetail = z.strictObject({
    referralId,
    status: Status,
    urgency: Urgency,
    reasons: z.array(z.string()),
    createdAt: instant,
    referral: referralSchema('2000-01-01'),
    holdReason: z.optional(holdReason),
    deadline: z.optional(calendarDate),
    duplicateOf: z.optional(referralId),
    approvedBy: z.optional(z.string()),
    approvedAt: z.optional(instant),
    wave: z.int(),
    nextWaveAt: z.optional(instant),
    sweepAt: z.optional(instant),
    assignedDoctorId: z.optional(z.string()),
    assignedAt: z.optional(instant),
    release: z.optional(releaseSchema('2000-01-01')),
    outcome: z.optional(z.string()),
    closedAt: z.optional(instant),
    receipt: z.optional(z.enum(['pending', 'sending', 'sent'])),
    receiptClaimedAt: z.optional(instant),
    escalationSentAt: z.optional(instant),
    budgetAlertAt: z.optional(instant),
    coordinatorNoticeAt: z.optional(instant),
    holdNoticeAt: z.optional(instant),
    introSentAt: z.optional(instant),
    facilityState: z.optional(z.string()),
    specialty: z.optional(z.string()),
    attorneyOrganization: z.optional(z.string()),
    attorneyOutcome: z.optional(z.string()),
    attorneyOutcomeAt: z.optional(instant),
    handoff: z.optional(z.strictObject({ number: z.int(), clinicId: z.string(), clinicName: z.string(), at: instant, by: z.string() })),
    handoffNumber: z.optional(z.int()),
    firstHandoffAt: z.optional(instant),
    careEstablishedAt: z.optional(instant),
    offers: z.array(
      z.strictObject({
        offerId: z.string(),
        referralId,
        doctorId: z.string(),
        wave: z.int(),
        code: z.string().check(z.regex(/^\d{4}$/)),
        state: z.enum(['open', 'accepted', 'declined', 'withdrawn']),
        tokenExpiresAt: instant,
        sms: channelState,
        email: channelState,
        createdAt: instant,
        decidedAt: z.optional(instant),
        declineReason: z.optional(z.string()),
      }),
    ),
    timeline: z.array(TimelineEvent),
  });

  const TrustedEntry = z.union([
    z.strictObject({ email: z.string(), addedBy: z.string(), addedAt: instant }),
    z.strictObject({ domain: z.string(), addedBy: z.string(), addedAt: instant }),
  ]);

  const Percentiles = z.strictObject({ accepted: z.int(), medianMinutes: z.nullable(z.number()), p90Minutes: z.nullable(z.number()) });
  const counts = <T extends readonly string[]>(keys: T) => z.strictObject(Object.fromEntries(keys.map((k) => [k, z.int()])));
  const ProgramMetrics = z.strictObject({
    from: calendarDate,
    to: calendarDate,
    timeZone: z.string(),
    total: z.int(),
    weeks: z.array(
      z.strictObject({ weekStart: calendarDate, total: z.int(), urgency: counts(Urgency.options), status: counts(Status.options) }),
    ),
    timeToAccept: z.strictObject({ all: Percentiles, urgent: Percentiles, routine: Percentiles }),
    outcomes: counts(CLOSE_OUTCOMES),
    care: z.strictObject({
      released: z.int(),
      handoffWithin7Days: z.strictObject({ count: z.int(), share: z.nullable(z.number()) }),
      careEstablishedWithin30Days: z.strictObject({ count: z.int(), share: z.nullable(z.number()) }),
      medianDaysToHandoff: z.nullable(z.number()),
    }),
  });

  const RosterWithChannels = z.extend(RosterSchema, {
    doctors: z.array(z.extend(DoctorSchema, { unusable: z.array(z.enum(['sms', 'email'])) })),
  });

  const id = z.object({ id: referralId });
  const NOT_FOUND = { 404: 'no such case' };

  return {
    'GET /api/staff/referrals': {
      summary: 'List cases, newest first, one page at a time',
      query: ListQuery,
      responses: {
        200: {
          description: 'one page; follow nextCursor until it is absent',
          schema: z.strictObject({ items: z.union([z.array(ListItem), z.array(QueueItem)]), nextCursor: z.optional(z.string()) }),
        },
      },
      errors: { 422: 'a bad filter, limit or cursor' },
    },
    'GET /api/staff/referrals/{id}': {
      summary: 'The full case with its offers and timeline (the read is recorded on the timeline)',
      params: id,
      responses: { 200: { description: 'the case', schema: CaseDetail } },
      errors: NOT_FOUND,
    },
    'POST /api/staff/referrals/{id}/release': {
      summary: "Record the client's release and schedule the follow-up reminders",
      params: id,
      body: releaseSchema('2000-01-01'),
      responses: {
        200: {
          description: 'released; the reminders planned',
          schema: z.strictObject({
            status: z.literal('released'),
            reminders: z.array(z.strictObject({ step: z.string(), dueAt: instant, audience: z.enum(['coordinator', 'patient']) })),
          }),
        },
      },
      errors: { ...NOT_FOUND, 409: 'the case is closed' },
    },
    'POST /api/staff/referrals/{id}/close': {
      summary: 'Close the case with its outcome (schedules deleted, open offers withdrawn)',
      params: id,
      body: CloseBody,
      responses: { 200: { description: 'closed', schema: z.strictObject({ status: z.literal('closed') }) } },
      errors: NOT_FOUND,
    },
    'POST /api/staff/referrals/{id}/approve': {
      summary: "Let a held case (or a new attorney's case set aside in review) go on; optionally approve the attorney too",
      params: id,
      body: ApproveBody,
      responses: {
        200: { description: 'the new status', schema: z.strictObject({ status: z.enum(['paging', 'awaiting_review']) }) },
      },
      errors: { ...NOT_FOUND, 409: 'the case is not held (nor set aside for a new attorney)' },
    },
    'POST /api/staff/referrals/{id}/notes': {
      summary: "Add a coordinator's note to the timeline",
      params: id,
      body: NoteBody,
      responses: { 201: { description: 'the timeline entry', schema: TimelineEvent } },
      errors: NOT_FOUND,
    },
    'GET /api/staff/referrals.csv': {
      summary: 'The cases submitted in a range of days as CSV (no PHI)',
      query: DateRangeQuery,
      responses: {
        200: {
          description: 'RFC 4180 CSV with a header row',
          mediaType: 'text/csv',
          headers: { 'Content-Disposition': 'attachment; filename="medreview-referrals-<from>-to-<to>.csv"' },
        },
      },
      errors: { 422: 'a bad from or to' },
    },
    'GET /api/staff/roster': {
      summary: 'The roster as imported, each doctor with the channels that cannot be used',
      responses: { 200: { description: 'the roster', schema: RosterWithChannels } },
    },
    'GET /api/staff/clinics': {
      summary: 'The clinic directory as imported',
      responses: { 200: { description: 'the directory', schema: ClinicDirectorySchema } },
    },
    'PUT /api/staff/clinics': {
      summary: 'Import the clinic directory (all or nothing; `dryRun=true` only checks)',
      query: ClinicImportQuery,
      body: ClinicDirectorySchema,
      responses: {
        200: {
          description: 'imported (or, with dryRun, checked)',
          schema: z.strictObject({ ok: z.literal(true), clinics: z.int(), active: z.int(), dryRun: z.boolean() }),
        },
      },
      errors: { 422: 'every invalid entry (an unknown ZIP code included); nothing was changed' },
    },
    'GET /api/staff/referrals/{id}/clinics': {
      summary: 'Clinics ranked for a released patient',
      params: id,
      query: ClinicMatchQuery,
      responses: {
        200: {
          description: 'active clinics within the radius offering every need, best first, each with its distance and reasons',
          schema: z.strictObject({
            zip: z.string(),
            radiusMiles: z.number(),
            clinics: z.array(z.extend(ClinicSchema, { distanceMiles: z.number(), why: z.array(z.string()) })),
          }),
        },
      },
      errors: { ...NOT_FOUND, 409: 'the case is not released, or its release has no ZIP code' },
    },
    'POST /api/staff/referrals/{id}/handoff': {
      summary: 'Hand a released patient over to a clinic (patient SMS, clinic email, check-ins)',
      params: id,
      body: HandoffBody,
      responses: {
        200: {
          description: 'what was recorded and sent',
          schema: z.looseObject({ referralId, patientSms: z.string(), clinicEmail: z.string() }),
        },
      },
      errors: { ...NOT_FOUND, 409: 'the case is not released, or it changed meanwhile' },
    },
    'PUT /api/staff/roster': {
      summary: 'Import a roster document (all or nothing)',
      body: RosterSchema,
      responses: {
        200: {
          description: 'imported',
          schema: z.strictObject({ ok: z.literal(true), doctors: z.int(), coordinators: z.int(), shifts: z.int() }),
        },
      },
      errors: { 422: 'every invalid entry; nothing was changed' },
    },
    'GET /api/staff/coverage': {
      summary: 'Coverage gaps of the primary shifts in the next days',
      query: CoverageQuery,
      responses: {
        200: {
          description: 'the window and its gaps',
          schema: z.strictObject({
            from: instant,
            to: instant,
            gaps: z.array(z.strictObject({ start: instant, end: instant, specialty: z.enum(SPECIALTIES) })),
          }),
        },
      },
      errors: { 422: 'a bad days' },
    },
    'GET /api/staff/metrics': {
      summary: 'Program metrics over the cases submitted in a range of days',
      query: DateRangeQuery,
      responses: { 200: { description: 'the metrics', schema: ProgramMetrics } },
      errors: { 422: 'a bad from or to' },
    },
    'GET /api/staff/submitters': {
      summary: 'The trusted submitters (addresses and domains)',
      responses: { 200: { description: 'the trusted list', schema: z.strictObject({ items: z.array(TrustedEntry) }) } },
    },
    'POST /api/staff/submitters': {
      summary: 'Trust an address or a whole domain',
      body: SubmitterBody,
      responses: { 200: { description: 'the entry', schema: TrustedEntry } },
    },
    'DELETE /api/staff/submitters/{entry}': {
      summary: 'Remove an address or a domain from the trusted list (an address must verify again)',
      responses: { 204: { description: 'removed (or was not there)' } },
    },
  };
}
