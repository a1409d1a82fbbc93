import type { FieldError } from '../domain/field-errors.js';
import { coverageGaps, coverageWindow, type CoverageGap } from '../domain/coverage.js';
import { validateRoster, type Doctor, type Roster } from '../domain/roster.js';
import type { StorePort } from '../store/port.js';
import { channelAddress, type Channel } from '../messaging.js';

export type ImportResult = { ok: true; doctors: number; coordinators: number; shifts: number } | { ok: false; errors: FieldError[] };

/**
 * Imports a roster document (CLI and `PUT /_local/roster`).
 * 1. validate every entry; any error → change nothing and list them all
 * 2. replace the stored roster (shift times stored as UTC instants)
 */
export async function importRoster(document: unknown, store: StorePort): Promise<ImportResult> {
  const result = validateRoster(document);
  if (!result.ok) return result;
  await store.replaceRoster(result.roster);
  const { doctors, coordinators, shifts } = result.roster;
  return { ok: true, doctors: doctors.length, coordinators: coordinators.length, shifts: shifts.length };
}

export interface RosterCheck {
  from: string;
  to: string;
  /** Stretches in the window in which no active primary covers a specialty (see `coverageGaps`). */
  gaps: CoverageGap[];
  /** Active doctors whose SMS and email are both unusable. */
  unreachable: string[];
}

/**
 * Coverage gaps in the next `days` calendar days (program time zone) and doctors nobody can reach:
 * what `medreview roster check` prints and `GET /api/staff/coverage` answers.
 */
export async function checkRoster(store: StorePort, now: Date, days: number, timeZone: string): Promise<RosterCheck> {
  const roster = await rosterWithChannels(store);
  const unreachable = roster.doctors.filter((d) => d.active && d.unusable.length === 2).map((d) => d.id);
  const { from, to } = coverageWindow(now, days, timeZone);
  return { from: from.toISOString(), to: to.toISOString(), gaps: coverageGaps(roster, from, to), unreachable };
}

/** The stored roster, each doctor with the channels that cannot be used (`sms`, `email`: opted out, bounced, failing). */
export async function rosterWithChannels(
  store: StorePort,
): Promise<Omit<Roster, 'doctors'> & { doctors: (Doctor & { unusable: Channel[] })[] }> {
  const roster = await store.roster();
  const doctors = await Promise.all(
    roster.doctors.map(async (d) => {
      const [sms, email] = await Promise.all([
        store.isUnusable(channelAddress('sms', d.phone)),
        store.isUnusable(channelAddress('email', d.email)),
      ]);
      const unusable: Channel[] = [...(sms ? ['sms' as const] : []), ...(email ? ['email' as const] : [])];
      return { ...d, unusable };
    }),
  );
  return { ...roster, doctors };
}
