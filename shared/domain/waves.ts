import type { Doctor, Roster } from './roster.js';
import { inQuietHours, matchesSpecialty, onShift } from './shifts.js';
import type { Specialty } from './referral.js';

/** Wave 1 pages primaries on shift, wave 2 backups and every other available doctor, the final wave the coordinators. */
export const FINAL_WAVE = 3;

export const waveScheduleName = (wave: number, referralId: string) => `wave${wave}-${referralId}`;

export interface WaveInput {
  roster: Roster;
  specialty: Specialty;
  at: Date;
  /** Open assigned cases per doctor id. */
  load: Map<string, number>;
}

/** Active, matching doctors with room for another case. */
function available({ roster, specialty, load }: WaveInput): Doctor[] {
  return roster.doctors.filter((d) => d.active && matchesSpecialty(d, specialty) && (load.get(d.id) ?? 0) < d.maxOpenCases);
}

/** Doctors with a shift of `role` covering `at`. */
function onCall(input: WaveInput, role: 'primary' | 'backup'): Set<string> {
  return new Set(input.roster.shifts.filter((s) => s.role === role && onShift(s, input.at)).map((s) => s.doctorId));
}

/**
 * The doctors a wave pages (wave 1 or 2). Wave 2 lists primaries on shift too, so one whose shift began
 * after wave 1 is paged; those wave 1 reached keep their offer and are not paged again.
 */
export function waveDoctors(wave: 1 | 2, input: WaveInput): Doctor[] {
  const primaries = onCall(input, 'primary');
  if (wave === 1) return available(input).filter((d) => primaries.has(d.id));
  const backups = onCall(input, 'backup');
  return available(input).filter((d) => primaries.has(d.id) || backups.has(d.id) || !inQuietHours(d, input.at));
}

/** Routine cases: email offers to every available doctor outside their quiet hours. */
export function routineDoctors(input: WaveInput): Doctor[] {
  return available(input).filter((d) => !inQuietHours(d, input.at));
}
