import type { FieldError } from '../domain/field-errors.js';
import { validateRoster, type Roster } from '../domain/roster.js';
import type { Store } from '../store/store.js';
import { channelAddress } from '../messaging.js';

export type ImportResult =
  | { ok: true; doctors: number; coordinators: number; shifts: number }
  | { ok: false; errors: FieldError[] };

/**
 * Imports a roster document (CLI and `PUT /_local/roster`).
 * 1. validate every entry; any error → change nothing and list them all
 * 2. replace the stored roster (shift times stored as UTC instants)
 */
export async function importRoster(document: unknown, store: Store): Promise<ImportResult> {
  const result = validateRoster(document);
  if (!result.ok) return result;
  await store.replaceRoster(result.roster);
  const { doctors, coordinators, shifts } = result.roster;
  return { ok: true, doctors: doctors.length, coordinators: coordinators.length, shifts: shifts.length };
}

export interface RosterCheck {
  /** Stretches in the window with no active primary on shift. */
  gaps: { start: string; end: string }[];
  /** Active doctors whose SMS and email are both unusable. */
  unreachable: string[];
}

/** Coverage gaps in the next `days` days and doctors nobody can reach. */
export async function checkRoster(store: Store, now: Date, days = 14): Promise<RosterCheck> {
  const roster = await store.roster();
  const unreachable: string[] = [];
  for (const d of roster.doctors.filter((x) => x.active)) {
    const [sms, email] = await Promise.all([
      store.isUnusable(channelAddress('sms', d.phone)),
      store.isUnusable(channelAddress('email', d.email)),
    ]);
    if (sms && email) unreachable.push(d.id);
  }
  return { gaps: coverageGaps(roster, now, new Date(now.getTime() + days * 86_400_000)), unreachable };
}

export function coverageGaps(roster: Roster, from: Date, to: Date): { start: string; end: string }[] {
  const active = new Set(roster.doctors.filter((d) => d.active).map((d) => d.id));
  const shifts = roster.shifts
    .filter((s) => s.role === 'primary' && active.has(s.doctorId))
    .map((s) => [Date.parse(s.start), Date.parse(s.end)] as const)
    .sort((a, b) => a[0] - b[0]);
  const gaps: { start: string; end: string }[] = [];
  let covered = from.getTime();
  for (const [start, end] of shifts) {
    if (end <= covered) continue;
    if (start > covered) gaps.push({ start: new Date(covered).toISOString(), end: new Date(Math.min(start, to.getTime())).toISOString() });
    covered = Math.max(covered, end);
    if (covered >= to.getTime()) break;
  }
  if (covered < to.getTime()) gaps.push({ start: new Date(covered).toISOString(), end: to.toISOString() });
  return gaps.filter((g) => g.start < g.end);
}
