import * as z from '../zod.js';
import { addDays, instantAt, isRealDate } from './dates.js';
import { hasControlCharacters, languageTag, optionalText, usState } from './referral.js';
import { toUsSmsPhone } from './patient-phone.js';
import type { Release } from './types.js';
import { clinicService, zipCode } from './clinics.js';

export interface PlanStep {
  step: string;
  days: number;
  audience: 'coordinator' | 'patient';
}

/** The follow-up plan after a release, as data: each step at 09:00 program time, `days` after the release date. */
export const REMINDER_PLAN: PlanStep[] = [
  { step: 'day1_coordinator', days: 1, audience: 'coordinator' },
  { step: 'day3_patient', days: 3, audience: 'patient' },
  { step: 'day7_coordinator', days: 7, audience: 'coordinator' },
  { step: 'day30_coordinator', days: 30, audience: 'coordinator' },
];
export const REMINDER_TIME = '09:00';

export const reminderScheduleName = (step: string, referralId: string) => `rem-${step}-${referralId}`;

/** The steps that apply to a release (the patient's only with SMS consent and a phone) and when each is due. */
export function reminderPlan(release: Release, timeZone: string): { step: string; dueAt: string; audience: PlanStep['audience'] }[] {
  return REMINDER_PLAN.filter((s) => s.audience !== 'patient' || (release.smsConsent && release.patientPhone)).map((s) => ({
    step: s.step,
    audience: s.audience,
    dueAt: instantAt(addDays(release.releasedOn, s.days), REMINDER_TIME, timeZone).toISOString(),
  }));
}

/** A patient's phone for SMS reminders: a US number that can take an SMS (no premium-rate, toll-free or foreign). */
const patientPhone = z.converted(
  z.string({ error: 'must be a phone number' }),
  (value) => (hasControlCharacters(value) ? undefined : toUsSmsPhone(value)),
  'must be a US mobile number that can receive SMS (not toll-free, premium-rate or foreign)',
);

/**
 * How far back an attorney may date a release: reminders already overdue go out at once, so an old date
 * would text the patient and page the coordinators within minutes. Coordinators may go back a year.
 */
export const ATTORNEY_RELEASE_DAYS = 14;
const STAFF_RELEASE_DAYS = 365;

/** The release body of the staff endpoint and (with `ATTORNEY_RELEASE_DAYS`) of the attorney's outcome page. */
export function releaseSchema(today: string, maxAgeDays = STAFF_RELEASE_DAYS) {
  const within = maxAgeDays === STAFF_RELEASE_DAYS ? 'the last year' : `the last ${maxAgeDays} days`;
  return z.strictObject(
    {
      releasedOn: z.string({ error: 'is required' }).check(
        z.refine(isRealDate, { error: 'must be a real date written YYYY-MM-DD', abort: true }),
        z.refine((d) => d <= addDays(today, 30) && d >= addDays(today, -maxAgeDays), {
          error: `must be within ${within} and at most 30 days ahead`,
        }),
      ),
      state: usState,
      city: optionalText(80),
      patientPhone: z.optional(patientPhone),
      patientLanguage: languageTag,
      smsConsent: z.boolean({ error: 'must be true or false' }),
      zip: z.optional(zipCode),
      needs: z.optional(
        z.array(clinicService).check(z.refine((a) => new Set(a).size === a.length, { error: 'must not list a need twice' })),
      ),
      insured: z.optional(z.boolean({ error: 'must be true or false' })),
    },
    { error: 'must be an object' },
  );
}

const TEMPLATES: Record<string, string> = {
  en: 'Hello from the volunteer medical program (medreview). Please remember your follow-up visit at a clinic. If you need help finding one, contact your attorney. Reply STOP to stop these messages.',
  es: 'Hola, le escribe el programa médico de voluntarios (medreview). Recuerde su consulta de seguimiento en una clínica. Si necesita ayuda para encontrar una, comuníquese con su abogado. Responda STOP para no recibir más mensajes.',
};

/** The patient's reminder in their language (primary subtag), English when there is no template. */
export function patientReminderText(language: string): { text: string; fallback: boolean } {
  const primary = language.split('-')[0];
  return TEMPLATES[primary] ? { text: TEMPLATES[primary], fallback: false } : { text: TEMPLATES.en, fallback: true };
}

const COORDINATOR_CHECKS: Record<string, string> = {
  day1_coordinator: 'released yesterday: check that contact was made with the patient and that a clinic appointment is being arranged.',
  day7_coordinator: 'one week after release: check that the clinic appointment is booked or has happened.',
  day30_coordinator: "30 days after release: check the patient's status and close the case with its outcome.",
};

export function coordinatorReminderText(step: string, referralId: string): string {
  return `medreview: case ${referralId} ${COORDINATOR_CHECKS[step] ?? 'follow-up is due.'}`;
}
