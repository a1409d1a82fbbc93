import { describe, expect, it } from 'vitest';
import { matchClinics, milesBetween, validateClinics, type Centroid, type Patient } from '../../shared/domain/clinics.js';
import { zipCentroid } from '../../shared/geo/zip-centroids.js';
import { clinicEntry } from '../fixtures/clinic.js';

/** A small centroid table: the patient's ZIP at the origin, the others due north of it by whole miles. */
const MILE = 1 / 69.05; // degrees of latitude per mile
const TABLE: Record<string, number> = { '00000': 0, '00005': 5, '00010': 10, '00030': 30, '00049': 49, '00051': 51 };
const centroid: Centroid = (zip) => (zip in TABLE ? { latitude: TABLE[zip]! * MILE, longitude: 0 } : undefined);
const at = (zip: string) => ({ line1: '1 Main St', city: 'Town', state: 'TX', zip });

const patient = (p: Partial<Patient> = {}): Patient => ({
  origin: { latitude: 0, longitude: 0 },
  needs: [],
  language: 'es',
  insured: false,
  ...p,
});

describe('clinic directory import', () => {
  it('accepts the API example clinic and the demo-like entries', () => {
    const result = validateClinics({ clinics: [clinicEntry(), clinicEntry({ id: 'b', email: undefined })] }, zipCentroid);
    expect(result.ok).toBe(true);
  });

  it('lists every error of every clinic at once, unknown ZIP codes and ids used twice included', () => {
    const result = validateClinics(
      {
        clinics: [
          clinicEntry({ address: at('99999') }),
          clinicEntry({ services: ['massage'] as never, languages: [] }),
          clinicEntry({ id: 'other', cost: 'insured_only', acceptsUninsured: true, phone: 'call us' }),
          clinicEntry({ id: 'x', address: { line1: '1', city: 'A', state: 'ZZ', zip: '7870' } as never, extra: 1 }),
        ],
      },
      zipCentroid,
    );
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'clinics.0.address.zip: is not a known US ZIP code',
        'clinics.1.id: is used twice',
        expect.stringMatching(/^clinics\.1\.services\.0: must be one of/),
        'clinics.1.languages: must list at least one language',
        'clinics.2.acceptsUninsured: cannot be true for a clinic whose cost is insured_only',
        expect.stringMatching(/^clinics\.2\.phone: /),
        'clinics.3.address.state: must be a two-letter US state code such as TX',
        'clinics.3.address.zip: must be a 5-digit ZIP code',
        'clinics.3.extra: is not a known field',
      ]),
    );
    expect(paths).toHaveLength(9);
  });

  it('refuses a document that is not a directory', () => {
    expect(validateClinics([], zipCentroid)).toEqual({ ok: false, errors: [{ path: '', message: 'must be an object' }] });
    expect(validateClinics({}, zipCentroid)).toMatchObject({ ok: false, errors: [{ path: 'clinics' }] });
  });

  it('knows real ZIP centroids and measures miles between them (Austin to Houston about 146 miles)', () => {
    const austin = zipCentroid('78701')!;
    const houston = zipCentroid('77002')!;
    expect(milesBetween(austin, houston)).toBeGreaterThan(140);
    expect(milesBetween(austin, houston)).toBeLessThan(152);
    expect(zipCentroid('00000')).toBeUndefined();
    expect(zipCentroid('constructor')).toBeUndefined();
  });
});

describe('matching clinics to a released patient', () => {
  const cases: { name: string; clinics: ReturnType<typeof clinicEntry>[]; patient: Patient; radius?: number; expected: string[] }[] = [
    {
      name: 'lists only clinics within the radius, nearest first',
      clinics: [
        clinicEntry({ id: 'far', address: at('00051') }),
        clinicEntry({ id: 'edge', address: at('00049') }),
        clinicEntry({ id: 'near', address: at('00005') }),
      ],
      patient: patient(),
      expected: ['near', 'edge'],
    },
    {
      name: 'a smaller radius leaves more out',
      clinics: [clinicEntry({ id: 'a', address: at('00005') }), clinicEntry({ id: 'b', address: at('00030') })],
      patient: patient(),
      radius: 10,
      expected: ['a'],
    },
    {
      name: 'needs every need',
      clinics: [
        clinicEntry({ id: 'prenatal-only', services: ['prenatal'] }),
        clinicEntry({ id: 'both', services: ['prenatal', 'mental_health'], address: at('00030') }),
      ],
      patient: patient({ needs: ['prenatal', 'mental_health'] }),
      expected: ['both'],
    },
    {
      name: 'speaks the language (es-MX matches es), or has an interpreter in its notes, speaking first',
      clinics: [
        clinicEntry({ id: 'english', languages: ['en'] }),
        clinicEntry({ id: 'interpreter', languages: ['en'], notes: 'Phone interpreters for any language' }),
        clinicEntry({ id: 'spanish', languages: ['es'], address: at('00030') }),
      ],
      patient: patient({ language: 'es-MX' }),
      expected: ['spanish', 'interpreter'],
    },
    {
      name: 'for the uninsured: free and sliding scale first, insured-only and closed-to-uninsured left out',
      clinics: [
        clinicEntry({ id: 'insured-only', cost: 'insured_only', acceptsUninsured: false }),
        clinicEntry({ id: 'paid-welcomes', cost: 'insured_only', acceptsUninsured: false, address: at('00005') }),
        clinicEntry({ id: 'sliding-no-uninsured', acceptsUninsured: false }),
        clinicEntry({ id: 'free-far', cost: 'free', address: at('00030') }),
        clinicEntry({ id: 'sliding-near', cost: 'sliding_scale', address: at('00005') }),
      ],
      patient: patient({ insured: false }),
      expected: ['sliding-near', 'free-far'],
    },
    {
      name: 'for the insured: every clinic by distance',
      clinics: [
        clinicEntry({ id: 'free-far', cost: 'free', address: at('00030') }),
        clinicEntry({ id: 'insured-near', cost: 'insured_only', acceptsUninsured: false, address: at('00005') }),
      ],
      patient: patient({ insured: true }),
      expected: ['insured-near', 'free-far'],
    },
    {
      name: 'leaves inactive clinics out; equal distance goes by name',
      clinics: [
        clinicEntry({ id: 'inactive', active: false }),
        clinicEntry({ id: 'zeta', name: 'Zeta Clinic' }),
        clinicEntry({ id: 'alpha', name: 'Alpha Clinic' }),
      ],
      patient: patient(),
      expected: ['alpha', 'zeta'],
    },
    { name: 'an empty directory matches nothing', clinics: [], patient: patient(), expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const clinics = c.clinics.map((x) => (TABLE[x.address.zip] === undefined ? { ...x, address: at('00000') } : x));
      expect(matchClinics(clinics, c.patient, c.radius ?? 50, centroid).map((m) => m.clinic.id)).toEqual(c.expected);
    });
  }

  it('says why in plain words and gives the distance in miles', () => {
    const [interpreter] = matchClinics(
      [clinicEntry({ languages: ['en'], notes: 'Interpreter on request', cost: 'free', address: at('00010') })],
      patient({ needs: ['prenatal'], language: 'mam' }),
      50,
      centroid,
    );
    expect(interpreter).toMatchObject({ distanceMiles: 10, why: ['interpreter (see notes)', 'free', 'accepts uninsured', 'prenatal'] });
    const [speaks] = matchClinics([clinicEntry({ address: at('00005') })], patient({ insured: true }), 50, centroid);
    expect(speaks).toMatchObject({ distanceMiles: 5, why: ['speaks es', 'sliding scale'] });
  });
});
