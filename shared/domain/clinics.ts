import * as z from '../zod.js';
import { fieldErrors, type FieldError } from './field-errors.js';
import { languageTag, optionalText, phone, text, usState } from './referral.js';
import { email, id } from './roster.js';

/** What a clinic offers and what a released patient may need. */
export const CLINIC_SERVICES = [
  'primary_care',
  'mental_health',
  'prenatal',
  'pediatrics',
  'tb',
  'hiv',
  'dialysis',
  'dental',
  'substance_use',
  'pharmacy',
] as const;
export type ClinicService = (typeof CLINIC_SERVICES)[number];
export const CLINIC_COSTS = ['free', 'sliding_scale', 'insured_only'] as const;

export const zipCode = z.string({ error: 'must be a 5-digit ZIP code' }).check(z.regex(/^\d{5}$/, { error: 'must be a 5-digit ZIP code' }));
export const clinicService = z.enum(CLINIC_SERVICES, { error: `must be one of: ${CLINIC_SERVICES.join(', ')}` });

export const ClinicSchema = z.strictObject({
  id,
  name: text(1, 120),
  address: z.strictObject({ line1: text(1, 120), city: text(1, 80), state: usState, zip: zipCode }),
  phone,
  email: z.optional(email),
  languages: z.array(languageTag).check(z.minLength(1, { error: 'must list at least one language' })),
  services: z.array(clinicService).check(z.minLength(1, { error: 'must list at least one service' })),
  cost: z.enum(CLINIC_COSTS, { error: `must be one of: ${CLINIC_COSTS.join(', ')}` }),
  acceptsUninsured: z.boolean({ error: 'must be true or false' }),
  hours: optionalText(200),
  notes: optionalText(1000),
  active: z.boolean({ error: 'must be true or false' }),
});

/** The clinic directory document: `PUT /api/staff/clinics`, `medreview clinics import`. */
export const ClinicDirectorySchema = z.strictObject({ clinics: z.array(ClinicSchema) }, { error: 'must be an object' });

export type Clinic = z.output<typeof ClinicSchema>;

/** Where a ZIP code's centroid lies (degrees); undefined for a ZIP the table does not know. */
export type Centroid = (zip: string) => { latitude: number; longitude: number } | undefined;

/**
 * Validates a whole directory and lists every error: field errors, then across entries (ids used
 * twice), ZIP codes the centroid table does not know, and a clinic that takes insured patients only
 * but says it accepts the uninsured. Checks across entries skip only the malformed values themselves.
 */
export function validateClinics(
  document: unknown,
  centroid: Centroid,
): { ok: true; clinics: Clinic[] } | { ok: false; errors: FieldError[] } {
  const parsed = ClinicDirectorySchema.safeParse(document);
  const errors: FieldError[] = parsed.success ? [] : fieldErrors(parsed.error);
  const raw = typeof document === 'object' && document !== null ? (document as { clinics?: unknown }).clinics : undefined;
  const add = (path: string, message: string) => {
    if (!errors.some((e) => e.path === path)) errors.push({ path, message });
  };
  const ids = new Set<unknown>();
  (Array.isArray(raw) ? (raw as Record<string, unknown>[]) : []).forEach((clinic, i) => {
    if (typeof clinic?.id === 'string') {
      if (ids.has(clinic.id)) add(`clinics.${i}.id`, 'is used twice');
      ids.add(clinic.id);
    }
    const zip = (clinic?.address as Record<string, unknown> | undefined)?.zip;
    if (zipCode.safeParse(zip).success && !centroid(zip as string)) add(`clinics.${i}.address.zip`, 'is not a known US ZIP code');
    if (clinic?.cost === 'insured_only' && clinic?.acceptsUninsured === true)
      add(`clinics.${i}.acceptsUninsured`, 'cannot be true for a clinic whose cost is insured_only');
  });
  return errors.length === 0 && parsed.success ? { ok: true, clinics: parsed.data.clinics } : { ok: false, errors };
}

/** What matching knows of the patient: where they go (a ZIP centroid), what they need, language, insurance. */
export interface Patient {
  origin: { latitude: number; longitude: number };
  needs: ClinicService[];
  /** BCP 47; matched by its primary subtag (`es-MX` matches a clinic listing `es`). */
  language: string;
  insured: boolean;
}

export interface ClinicMatch {
  clinic: Clinic;
  distanceMiles: number;
  /** Plain-language reasons, e.g. `speaks es`, `free`, `prenatal`. */
  why: string[];
}

const INTERPRETER = /interpret/i;
const COST_REASON: Record<Clinic['cost'], string> = { free: 'free', sliding_scale: 'sliding scale', insured_only: 'takes insurance' };

/**
 * Ranks clinics for a patient. A clinic is listed when it is active, within `radiusMiles` of the
 * patient's ZIP, offers every need, speaks the patient's language (or its notes mention an
 * interpreter), and, for an uninsured patient, accepts the uninsured. Order: for the uninsured, free
 * and sliding-scale clinics first; then clinics that speak the language before those with an
 * interpreter; then nearest first; then by name.
 */
export function matchClinics(clinics: Clinic[], patient: Patient, radiusMiles: number, centroid: Centroid): ClinicMatch[] {
  const language = primary(patient.language);
  const ranked: (ClinicMatch & { rank: number[] })[] = [];
  for (const clinic of clinics) {
    const at = centroid(clinic.address.zip);
    if (!clinic.active || !at) continue;
    const distanceMiles = Math.round(milesBetween(patient.origin, at) * 10) / 10;
    if (distanceMiles > radiusMiles) continue;
    if (!patient.needs.every((need) => clinic.services.includes(need))) continue;
    const speaks = clinic.languages.some((l) => primary(l) === language);
    const interpreter = !speaks && INTERPRETER.test(clinic.notes ?? '');
    if (!speaks && !interpreter) continue;
    if (!patient.insured && (!clinic.acceptsUninsured || clinic.cost === 'insured_only')) continue;
    const lowCost = clinic.cost !== 'insured_only';
    const why = [
      speaks ? `speaks ${language}` : 'interpreter (see notes)',
      COST_REASON[clinic.cost],
      ...(!patient.insured ? ['accepts uninsured'] : []),
      ...patient.needs,
    ];
    ranked.push({ clinic, distanceMiles, why, rank: [!patient.insured && !lowCost ? 1 : 0, speaks ? 0 : 1, distanceMiles] });
  }
  return ranked
    .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2] || a.clinic.name.localeCompare(b.clinic.name))
    .map(({ rank: _r, ...match }) => match);
}

const primary = (tag: string) => tag.split('-')[0]!.toLowerCase();

const EARTH_RADIUS_MILES = 3958.8;

/** Great-circle distance (haversine) in miles. */
export function milesBetween(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_MILES * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** `?radiusMiles=` of the ranked clinics: 1–500, default 50. */
const RADIUS = 'must be a whole number of miles from 1 to 500';
export const ClinicMatchQuery = z.object({
  radiusMiles: z._default(
    z.coerce.number({ error: RADIUS }).check(z.int({ error: RADIUS }), z.gte(1, { error: RADIUS }), z.lte(500, { error: RADIUS })),
    50,
  ),
});

/** `?dryRun=true` of the directory import: check only. */
export const ClinicImportQuery = z.object({
  dryRun: z.pipe(
    z._default(z.enum(['true', 'false'], { error: 'must be true or false' }), 'false'),
    z.transform((v) => v === 'true'),
  ),
});

/** `POST /api/staff/referrals/{id}/handoff`. Case documents are not stored yet, so none can be shared. */
export const HandoffBody = z.strictObject({
  clinicId: z.string({ error: 'is required' }).check(z.minLength(1, { error: 'is required' })),
  shareDocumentIds: z._default(
    z
      .array(z.string())
      .check(z.maxLength(0, { error: 'must be empty: case documents are not available in medreview yet, so none can be shared' })),
    [],
  ),
});
export type HandoffInput = z.output<typeof HandoffBody>;
