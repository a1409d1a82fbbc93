/**
 * What a referral may ask of a doctor, and the doctors' specialties. Apart from the referral schema, so a
 * function that only names them (the offers' contract) does not load the schema's phone-number metadata.
 */
export const SERVICES = ['record_review', 'declaration', 'psychological_evaluation', 'physical_evaluation', 'release_planning'] as const;
export const SPECIALTIES = ['general', 'pediatrics', 'psychiatry', 'obstetrics', 'infectious_disease', 'internal_medicine'] as const;
export type Specialty = (typeof SPECIALTIES)[number];
