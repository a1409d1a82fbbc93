import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';
import * as z from '../zod.js';
import { SPECIALTIES, type Specialty } from './referral.js';
import { matchesSpecialty, type Doctor, type Roster, type Shift } from './roster.js';

export interface CoverageGap {
  start: string;
  end: string;
  specialty: Specialty;
}

const DAYS = 'must be a whole number of days from 1 to 90';

/** `?days=N`: calendar days ahead, 1..90, default 14. */
export const CoverageQuery = z.object({
  days: z
    .pipe(z._default(z.string().check(z.regex(/^\d{1,2}$/, { error: DAYS })), '14'), z.transform(Number))
    .check(z.refine((n) => n >= 1 && n <= 90, { error: DAYS })),
});

/**
 * The window a coverage check looks at: from `now` to the same wall-clock time `days` calendar days
 * later in the program's time zone (so 14 days across a DST change are 14 days on the calendar,
 * 335 or 337 hours).
 */
export function coverageWindow(now: Date, days: number, timeZone: string): { from: Date; to: Date } {
  return { from: now, to: new Date(addDays(new TZDate(now.getTime(), timeZone), days).getTime()) };
}

/**
 * Stretches of [from, to) in which no active doctor on a `primary` shift covers a specialty: `general`
 * (which every doctor covers) and each specialty some doctor of the roster lists. Backup shifts and
 * inactive doctors cover nothing. Sorted by start, then by specialty.
 */
export function coverageGaps(roster: Roster, from: Date, to: Date): CoverageGap[] {
  const active = new Map(roster.doctors.filter((d) => d.active).map((d) => [d.id, d]));
  const offered = new Set<Specialty>(['general', ...roster.doctors.flatMap((d) => d.specialties)]);
  const gaps: CoverageGap[] = [];
  for (const specialty of SPECIALTIES.filter((s) => offered.has(s))) {
    const intervals = roster.shifts
      .filter((s) => s.role === 'primary' && active.has(s.doctorId) && matchesSpecialty(active.get(s.doctorId)!, specialty))
      .map((s) => [Date.parse(s.start), Date.parse(s.end)] as const);
    for (const [start, end] of uncovered(intervals, from.getTime(), to.getTime())) {
      gaps.push({ start: new Date(start).toISOString(), end: new Date(end).toISOString(), specialty });
    }
  }
  return gaps.sort((a, b) => a.start.localeCompare(b.start) || SPECIALTIES.indexOf(a.specialty) - SPECIALTIES.indexOf(b.specialty));
}

/**
 * Who is on call in a role at `at`, and whose shift in it starts next: active doctors only, as only they
 * are ever paged (an inactive doctor's shifts stay in the roster but cover nothing).
 */
export function onCall<S extends Pick<Shift, 'doctorId' | 'role' | 'start' | 'end'>>(
  roster: { doctors: Pick<Doctor, 'id' | 'active'>[]; shifts: S[] },
  role: Shift['role'],
  at: Date,
): { now: S[]; next?: S } {
  const active = new Set(roster.doctors.filter((d) => d.active).map((d) => d.id));
  const t = at.getTime();
  const shifts = roster.shifts.filter((s) => s.role === role && active.has(s.doctorId));
  return {
    now: shifts.filter((s) => Date.parse(s.start) <= t && t < Date.parse(s.end)),
    next: shifts.filter((s) => Date.parse(s.start) > t).sort((a, b) => Date.parse(a.start) - Date.parse(b.start))[0],
  };
}

/** The parts of [from, to) that no interval covers (intervals may overlap, touch or lie outside). */
function uncovered(intervals: (readonly [number, number])[], from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  let covered = from;
  for (const [start, end] of [...intervals].sort((a, b) => a[0] - b[0])) {
    if (covered >= to) break;
    if (end <= covered) continue;
    if (start > covered) out.push([covered, Math.min(start, to)]);
    covered = Math.max(covered, end);
  }
  if (covered < to) out.push([covered, to]);
  return out.filter(([a, b]) => a < b);
}
