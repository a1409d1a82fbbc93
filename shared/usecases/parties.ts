import type { CaseRecord } from '../domain/types.js';
import type { Doctor } from '../domain/roster.js';
import type { StorePort } from '../store/port.js';

/** Who is asking: a coordinator (staff pool) or a signed-in attorney or doctor (the external pool's verified email). */
export type Caller = { kind: 'staff'; by: string } | { kind: 'external'; email: string };

/** The part a caller has in a case. */
export type Party = 'attorney' | 'doctor' | 'staff';

/**
 * The caller's part in a case, or undefined when they have none (the API then answers 404: that a case
 * exists is protected). The attorney is the signed-in submitter; the doctor is the one who accepted it,
 * known by the roster's email for that doctor. An email that is both counts as the attorney.
 */
export async function partyOf(record: CaseRecord, caller: Caller, p: { store: Pick<StorePort, 'roster'> }): Promise<Party | undefined> {
  if (caller.kind === 'staff') return 'staff';
  const email = caller.email.toLowerCase();
  if (record.referral.attorney.email.toLowerCase() === email) return 'attorney';
  const doctor = await assignedDoctor(record, p);
  return doctor?.email.toLowerCase() === email ? 'doctor' : undefined;
}

/** The roster doctor who accepted the case, if one did and is still on the roster. */
export async function assignedDoctor(record: CaseRecord, p: { store: Pick<StorePort, 'roster'> }): Promise<Doctor | undefined> {
  if (!record.assignedDoctorId) return undefined;
  return (await p.store.roster()).doctors.find((d) => d.id === record.assignedDoctorId);
}
