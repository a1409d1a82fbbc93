import * as z from '../zod.js';
import { COUNTRY_CODES, US_STATES } from './codes.js';
import { isRealDate } from './dates.js';
import { toE164 } from './phone.js';

export const RISK_FACTORS = [
  'pregnancy',
  'postpartum',
  'chronic_heart',
  'chronic_lung',
  'diabetes',
  'hiv',
  'liver',
  'kidney',
  'cancer',
  'immunocompromised',
  'serious_mental_illness',
  'suicidal_ideation',
  'disability',
  'tuberculosis',
  'recent_hospitalization',
  'medication_interrupted',
  'hunger_strike',
] as const;
export type RiskFactor = (typeof RISK_FACTORS)[number];
export { SERVICES, SPECIALTIES, type Specialty } from './specialties.js';
import { SERVICES, SPECIALTIES } from './specialties.js';

export { hasControlCharacters, optionalText, req, text } from './text.js';
import { hasControlCharacters, optionalText, req, text } from './text.js';

export const phone = z.converted(
  z.string({ error: req('must be a phone number') }),
  (value) => (hasControlCharacters(value) ? undefined : toE164(value)),
  'must be a valid phone number (US numbers may omit +1)',
);

export const usState = z
  .string({ error: req('must be a US state code') })
  .check(z.refine((s) => US_STATES.has(s), { error: 'must be a two-letter US state code such as TX' }));

const bool = z.boolean({ error: req('must be true or false') });

/** Tag shape of BCP 47 with a lower-case 2–3 letter primary subtag, checked again by Intl. */
export const languageTag = z.string({ error: req('must be a language tag') }).check(
  z.refine(
    (tag) => {
      if (!/^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag)) return false;
      try {
        return Intl.getCanonicalLocales(tag).length === 1;
      } catch {
        return false;
      }
    },
    { error: 'must be a BCP 47 language tag such as es, ht or quc' },
  ),
);

/** A `YYYY-MM-DD` date that exists, optionally bounded by other dates (inclusive). */
const date = (bounds: { min?: string; max?: string; minMessage?: string; maxMessage?: string } = {}) =>
  z.string({ error: req('must be a date written YYYY-MM-DD') }).check(
    z.refine(isRealDate, { error: 'must be a real date written YYYY-MM-DD', abort: true }),
    z.refine((d) => !bounds.min || d >= bounds.min, { error: bounds.minMessage }),
    z.refine((d) => !bounds.max || d <= bounds.max, { error: bounds.maxMessage }),
  );

const uniqueList = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z
    .array(z.enum(values, { error: `must be one of: ${values.join(', ')}` }), { error: req(`must be a list of ${what}`) })
    .check(z.refine((list) => new Set(list).size === list.length, { error: `must not repeat a ${what.replace(/s$/, '')}` }));

/** An A-number as the intake takes it, normalized to 9 digits (the staff filter uses the same rule). */
export const aNumber = z.converted(
  z.string({ error: req('must be an A-number') }),
  (value) => {
    const digits = value.trim().replace(/^[Aa]/, '').replace(/[\s-]/g, '');
    return /^\d{8,9}$/.test(digits) ? digits.padStart(9, '0') : undefined;
  },
  'must be 8 or 9 digits, optionally after a leading A',
);

/**
 * The referral schema, used by the API and bundled into the intake form.
 * `today` is the program's calendar date, so date bounds follow the program clock.
 */
export function referralSchema(today: string) {
  const maxAge = `${Number(today.slice(0, 4)) - 120}${today.slice(4)}`;
  return z.strictObject(
    {
      attorney: z.strictObject(
        {
          name: text(1, 120),
          organization: optionalText(160),
          // the signed-in attorney's email is the submitter; when given here it must be the same
          email: z.optional(
            z.pipe(
              z.email({ error: req('must be an email address') }).check(z.maxLength(254)),
              z.transform((e: string) => e.toLowerCase()),
            ),
          ),
          phone,
          barNumber: optionalText(40),
          barState: z.optional(usState),
          g28Filed: bool,
        },
        { error: req('must be an object') },
      ),
      client: z.strictObject(
        {
          givenName: text(1, 80),
          familyName: text(1, 80),
          aNumber,
          dateOfBirth: date({
            min: maxAge,
            max: today,
            minMessage: 'must be at most 120 years ago',
            maxMessage: 'must not be in the future',
          }),
          countryOfBirth: z
            .string({ error: req('must be a country code') })
            .check(z.refine((c) => COUNTRY_CODES.has(c), { error: 'must be an ISO 3166-1 alpha-2 country code such as HN' })),
          language: languageTag,
          interpreterNeeded: bool,
        },
        { error: req('must be an object') },
      ),
      custody: z.strictObject(
        {
          facilityName: text(1, 160),
          facilityState: usState,
          fieldOffice: optionalText(80),
          detainedSince: z.optional(date({ max: today, maxMessage: 'must not be in the future' })),
        },
        { error: req('must be an object') },
      ),
      medical: z.strictObject(
        {
          concern: text(10, 4000),
          riskFactors: z._default(uniqueList(RISK_FACTORS, 'risk factors'), []),
          medications: optionalText(2000),
          attorneyUrgency: z.enum(['routine', 'urgent'], { error: req('must be routine or urgent') }),
        },
        { error: req('must be an object') },
      ),
      request: z.strictObject(
        {
          services: uniqueList(SERVICES, 'services').check(z.minLength(1, { error: 'must name at least one service' })),
          specialty: z._default(z.enum(SPECIALTIES, { error: `must be one of: ${SPECIALTIES.join(', ')}` }), 'general'),
          deadline: z.optional(date({ min: today, minMessage: 'must be today or later' })),
        },
        { error: req('must be an object') },
      ),
      consent: z.strictObject(
        {
          releaseOfInformation: z.literal(true, { error: req('must be true: consent is needed before a referral can be sent') }),
        },
        { error: req('must be an object') },
      ),
      website: z.optional(z.string()),
    },
    { error: 'the body must be a JSON object' },
  );
}

export type ReferralInput = z.input<ReturnType<typeof referralSchema>>;
/** A referral as submitted (the attorney's email may be left to the sign-in). */
export type SubmittedReferral = z.output<ReturnType<typeof referralSchema>>;
/** A referral as stored: the attorney's email is the signed-in submitter's. */
export type Referral = SubmittedReferral & { attorney: { email: string } };

export { fieldErrors, type FieldError } from './field-errors.js';

/** True when the honeypot field was filled in at all (bots fill every field; people never see it). */
export function isHoneypotFilled(body: unknown): boolean {
  const website = typeof body === 'object' && body !== null ? (body as { website?: unknown }).website : undefined;
  return typeof website === 'string' && website !== '';
}
