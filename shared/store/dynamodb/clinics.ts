import type { Clinic } from '../../domain/clinics.js';
import { keys } from '../keys.js';
import type { ClinicPort } from '../port.js';
import type { Table } from './table.js';

/** The clinic directory under one partition, and the patients' numbers of their latest handoff. */
export function dynamoClinics(t: Table): ClinicPort {
  return {
    clinics: () => t.prefix<Clinic>('CLINICS', 'CLINIC#'),
    replaceClinics: (clinics) =>
      t.replacePartition(
        'CLINICS',
        clinics.map((c) => ({ ...keys.clinic(c.id), ...c })),
      ),
    setHandoffPhone: (phone, referralId) => t.put({ ...keys.handoffPhone(phone), referralId }),
    handoffByPhone: async (phone) => (await t.get<{ referralId: string }>(keys.handoffPhone(phone)))?.referralId,
  };
}
