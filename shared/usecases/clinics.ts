import type { Ports } from '../deps.js';
import { matchClinics, validateClinics, type Clinic, type ClinicMatch } from '../domain/clinics.js';
import { CaseNotFoundError, CaseStateError, InvalidInputError } from '../domain/errors.js';
import type { FieldError } from '../domain/field-errors.js';
import type { StorePort } from '../store/port.js';

export type ClinicImportResult = { ok: true; clinics: number; active: number } | { ok: false; errors: FieldError[] };

/** The ZIP centroid table (2 MB): loaded on first use, so only the code that needs it reads it. */
const centroids = () => import('../geo/zip-centroids.js').then((m) => m.zipCentroid);

/**
 * Imports a clinic directory (staff API, CLI, first `npm start`).
 * 1. validate every clinic, every ZIP against the centroid table; any error → change nothing, list them all
 * 2. replace the stored directory
 */
export async function importClinics(document: unknown, store: Pick<StorePort, 'replaceClinics'>): Promise<ClinicImportResult> {
  const result = validateClinics(document, await centroids());
  if (!result.ok) return result;
  await store.replaceClinics(result.clinics);
  return { ok: true, clinics: result.clinics.length, active: result.clinics.filter((c) => c.active).length };
}

/** What `medreview clinics check` reports: the directory's size and the ZIPs its clinics no longer match. */
export async function checkClinics(store: Pick<StorePort, 'clinics'>) {
  const clinics = await store.clinics();
  const result = validateClinics({ clinics }, await centroids());
  return { clinics: clinics.length, active: clinics.filter((c) => c.active).length, errors: result.ok ? [] : result.errors };
}

/**
 * The directory ranked for a released patient (`GET /api/staff/referrals/{id}/clinics`).
 * 1. the case must exist (404), have a release (409) with a ZIP (409) the centroid table knows (422 at `zip`)
 * 2. `matchClinics` over the stored directory, with the release's needs, language and insurance
 */
export async function clinicsForCase(
  referralId: string,
  radiusMiles: number,
  p: Pick<Ports, 'store'>,
): Promise<{ zip: string; radiusMiles: number; clinics: (Clinic & Pick<ClinicMatch, 'distanceMiles' | 'why'>)[] }> {
  const record = await p.store.getCase(referralId);
  if (!record) throw new CaseNotFoundError();
  const release = record.release;
  if (!release) throw new CaseStateError('no release is recorded for this case: record the release first');
  if (!release.zip) throw new CaseStateError('the release has no ZIP code: record the release again with the ZIP where the patient goes');
  const centroid = await centroids();
  const origin = centroid(release.zip);
  if (!origin) throw new InvalidInputError('the release ZIP is unknown', [{ path: 'zip', message: 'is not a known US ZIP code' }]);
  const patient = { origin, needs: release.needs ?? [], language: release.patientLanguage, insured: release.insured ?? false };
  const matches = matchClinics(await p.store.clinics(), patient, radiusMiles, centroid);
  return { zip: release.zip, radiusMiles, clinics: matches.map((m) => ({ ...m.clinic, distanceMiles: m.distanceMiles, why: m.why })) };
}
