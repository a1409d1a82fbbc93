import { minutesOfDay } from './dates.js';
import type { Specialty } from './referral.js';
import type { Doctor, Shift } from './roster.js';

// Roster rules that paging needs, apart from the roster document's schema (zod, phone numbers), so the
// functions that page do not load the schema at cold start.

/** True when `at` falls in the doctor's quiet hours, read in the doctor's own time zone. */
export function inQuietHours(doctor: Doctor, at: Date): boolean {
  if (!doctor.quietHours) return false;
  const now = minutesOfDay(at, doctor.timeZone);
  const [start, end] = [doctor.quietHours.start, doctor.quietHours.end].map((t) => {
    const [h, m] = t.split(':').map(Number);
    return h * 60 + m;
  });
  return start <= end ? now >= start && now < end : now >= start || now < end;
}

/** A requested `general` matches every doctor; any other specialty matches doctors who list it. */
export function matchesSpecialty(doctor: Doctor, specialty: Specialty): boolean {
  return specialty === 'general' || doctor.specialties.includes(specialty);
}

export function onShift(shift: Shift, at: Date): boolean {
  const t = at.toISOString();
  return shift.start <= t && t < shift.end;
}
