import { stringify } from 'csv-stringify/sync';
import * as z from '../zod.js';
import { addDays, dateIn, instantAt, isRealDate } from './dates.js';
import { STATUSES, type CloseOutcome, type Status } from './types.js';
import type { Urgency } from './triage.js';

/** What metrics and the CSV read of a case: no names, A-numbers, dates of birth or medical text. */
export interface ReportCase {
  referralId: string;
  status: Status;
  urgency: Urgency;
  reasons: string[];
  createdAt: string;
  assignedAt?: string;
  closedAt?: string;
  outcome?: string;
  holdReason?: string;
  /** From the case's release and handoff (read per released case): dates only, never where the patient went. */
  releasedOn?: string;
  firstHandoffAt?: string;
  careEstablishedAt?: string;
}

export const CLOSE_OUTCOMES: CloseOutcome[] = [
  'parole_granted',
  'parole_denied',
  'transferred',
  'removed',
  'withdrawn',
  'care_established',
];
const URGENCIES: Urgency[] = ['urgent', 'routine'];

/** The longest range one metrics or CSV request may cover. */
export const MAX_RANGE_DAYS = 366;

const day = (field: string) =>
  z.string({ error: 'is required' }).check(z.refine(isRealDate, { error: `must be a date YYYY-MM-DD (${field} day, program time zone)` }));

/** `?from=YYYY-MM-DD&to=YYYY-MM-DD`: both days included, `from` not after `to`, at most 366 days. */
export const DateRangeQuery = z.object({ from: day('first'), to: day('last') }).check(
  z.superRefine(({ from, to }, ctx) => {
    if (!isRealDate(from) || !isRealDate(to)) return; // already reported, field by field
    if (to < from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (addDays(from, MAX_RANGE_DAYS - 1) < to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${MAX_RANGE_DAYS} days after from` });
  }),
);
export type DateRange = z.output<typeof DateRangeQuery>;

/** The instants a range of program-time-zone days covers: [first midnight, midnight after the last day). */
export function rangeInstants({ from, to }: DateRange, timeZone: string): { start: string; end: string } {
  return { start: instantAt(from, '00:00', timeZone).toISOString(), end: instantAt(addDays(to, 1), '00:00', timeZone).toISOString() };
}

/** The Monday that starts the week of a calendar date. */
export function weekStart(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

export interface Percentiles {
  /** Cases of the range a doctor accepted. */
  accepted: number;
  /** Minutes from submit to accept, one decimal; null when nothing was accepted. */
  medianMinutes: number | null;
  p90Minutes: number | null;
}

export interface WeekCounts {
  weekStart: string;
  total: number;
  urgency: Record<Urgency, number>;
  status: Record<Status, number>;
}

export interface ProgramMetrics {
  from: string;
  to: string;
  timeZone: string;
  total: number;
  weeks: WeekCounts[];
  timeToAccept: { all: Percentiles; urgent: Percentiles; routine: Percentiles };
  outcomes: Record<CloseOutcome, number>;
  care: CareMetrics;
}

export interface CareMetrics {
  /** Released patients among the range's cases: the denominator of both shares. */
  released: number;
  /** Handed over to a clinic at most 7 days after the release date; `share` 0–1, one more decimal than a percent. */
  handoffWithin7Days: { count: number; share: number | null };
  /** Care established (the patient's day-30 `1`, or a close with outcome care_established) at most 30 days after release. */
  careEstablishedWithin30Days: { count: number; share: number | null };
  /** Median whole days from the release date to the first handoff's program date; null when nobody was handed over. */
  medianDaysToHandoff: number | null;
}

/** Program days from the release date to an instant's date. */
const daysAfterRelease = (releasedOn: string, at: string, timeZone: string) =>
  (Date.parse(dateIn(new Date(at), timeZone)) - Date.parse(releasedOn)) / 86_400_000;

/** When care was established: the patient's report, or a coordinator's close with that outcome. */
const careAt = (c: ReportCase) => c.careEstablishedAt ?? (c.outcome === 'care_established' ? c.closedAt : undefined);

/** Care after release over the range's released patients (see `CareMetrics`). */
export function careMetrics(cases: ReportCase[], timeZone: string): CareMetrics {
  const released = cases.filter((c) => c.releasedOn);
  const within = (at: (c: ReportCase) => string | undefined, days: number) =>
    released.filter((c) => {
      const when = at(c);
      return when !== undefined && daysAfterRelease(c.releasedOn!, when, timeZone) <= days;
    }).length;
  const share = (n: number) => (released.length ? Math.round((n / released.length) * 1000) / 1000 : null);
  const toHandoff = released
    .filter((c) => c.firstHandoffAt)
    .map((c) => Math.max(0, daysAfterRelease(c.releasedOn!, c.firstHandoffAt!, timeZone)));
  const handoffs = within((c) => c.firstHandoffAt, 7);
  const care = within(careAt, 30);
  return {
    released: released.length,
    handoffWithin7Days: { count: handoffs, share: share(handoffs) },
    careEstablishedWithin30Days: { count: care, share: share(care) },
    medianDaysToHandoff: percentiles(toHandoff).medianMinutes,
  };
}

/**
 * Program metrics over the cases submitted in a range of days: counts per week (Monday to Sunday in
 * the program time zone; every week the range touches is listed, empty ones too) by urgency and by
 * status now; minutes from submit to a doctor's accept (median and 90th percentile, linear
 * interpolation between ranks); outcomes of the closed cases.
 */
export function programMetrics(cases: ReportCase[], range: DateRange, timeZone: string): ProgramMetrics {
  const weeks = new Map<string, WeekCounts>();
  for (let w = weekStart(range.from); w <= range.to; w = addDays(w, 7)) {
    weeks.set(w, { weekStart: w, total: 0, urgency: zeros(URGENCIES), status: zeros(STATUSES) });
  }
  const outcomes = zeros(CLOSE_OUTCOMES);
  const minutes: Record<Urgency, number[]> = { urgent: [], routine: [] };
  for (const c of cases) {
    const week = weeks.get(weekStart(dateIn(new Date(c.createdAt), timeZone)));
    if (week) {
      week.total++;
      week.urgency[c.urgency] = (week.urgency[c.urgency] ?? 0) + 1;
      week.status[c.status] = (week.status[c.status] ?? 0) + 1;
    }
    if (c.status === 'closed' && c.outcome && c.outcome in outcomes) outcomes[c.outcome as CloseOutcome]++;
    const toAccept = minutesToAccept(c);
    if (toAccept !== undefined) minutes[c.urgency]?.push(toAccept);
  }
  return {
    from: range.from,
    to: range.to,
    timeZone,
    total: cases.length,
    weeks: [...weeks.values()],
    timeToAccept: {
      all: percentiles([...minutes.urgent, ...minutes.routine]),
      urgent: percentiles(minutes.urgent),
      routine: percentiles(minutes.routine),
    },
    outcomes,
    care: careMetrics(cases, timeZone),
  };
}

/** Minutes from submit to accept, when a doctor accepted. */
export function minutesToAccept(c: Pick<ReportCase, 'createdAt' | 'assignedAt'>): number | undefined {
  return c.assignedAt ? (Date.parse(c.assignedAt) - Date.parse(c.createdAt)) / 60_000 : undefined;
}

/** Median and 90th percentile (linear interpolation between closest ranks, as numpy's default). */
export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => {
    if (!sorted.length) return null;
    const rank = (sorted.length - 1) * p;
    const low = Math.floor(rank);
    const value = sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (rank - low);
    return Math.round(value * 10) / 10;
  };
  return { accepted: sorted.length, medianMinutes: at(0.5), p90Minutes: at(0.9) };
}

export const CSV_COLUMNS = [
  'referral_id',
  'submitted_at',
  'submitted_date',
  'week_start',
  'urgency',
  'reasons',
  'status',
  'hold_reason',
  'accepted_at',
  'minutes_to_accept',
  'closed_at',
  'outcome',
  'released_on',
  'first_handoff_at',
  'days_to_handoff',
  'care_established_at',
] as const;

/**
 * The cases as CSV (RFC 4180, header row, CRLF), oldest first: ids, dates, urgency, reasons (`;`
 * between them), status and outcome, and the release → handoff → care dates only. Never a name, an A-number, a date of birth or medical text.
 */
export function casesCsv(cases: ReportCase[], timeZone: string): string {
  const rows = [...cases]
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((c) => {
      const date = dateIn(new Date(c.createdAt), timeZone);
      const toAccept = minutesToAccept(c);
      return [
        c.referralId,
        c.createdAt,
        date,
        weekStart(date),
        c.urgency,
        c.reasons.join(';'),
        c.status,
        c.holdReason ?? '',
        c.assignedAt ?? '',
        toAccept === undefined ? '' : (Math.round(toAccept * 10) / 10).toString(),
        c.closedAt ?? '',
        c.outcome ?? '',
        c.releasedOn ?? '',
        c.firstHandoffAt ?? '',
        c.releasedOn && c.firstHandoffAt ? String(daysAfterRelease(c.releasedOn, c.firstHandoffAt, timeZone)) : '',
        careAt(c) ?? '',
      ];
    });
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows' });
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}
