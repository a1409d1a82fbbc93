import type { Coordinator, Doctor } from '../domain/roster.js';
import type { CaseRecord, Status } from '../domain/types.js';
import { keys } from './keys.js';
import { BadCursorError, type CaseFilter } from './port.js';

/**
 * The items of the single table that carry index entries, each declared once: its key, its entries,
 * its data. Every write of such an item (a put, a partial update, a transaction) goes through here,
 * so no index attribute is kept in step by hand.
 */

/** The fields the A-number index projects: the staff list's (no referral content). */
export const SUMMARY_FIELDS = ['referralId', 'status', 'urgency', 'createdAt', 'assignedDoctorId', 'holdReason', 'duplicateOf'] as const;
/**
 * The attributes the `cases` and `urgent_open` indexes project: the staff queue's and the reports' fields
 * (no PHI: the facility's state, the specialty and the attorney's organisation, never the facility).
 */
export const CASE_LIST_FIELDS = [
  ...SUMMARY_FIELDS,
  'reasons',
  'wave',
  'nextWaveAt',
  'deadline',
  'assignedAt',
  'closedAt',
  'outcome',
  'facilityState',
  'specialty',
  'attorneyOrganization',
];

/** The due index's one partition: cases with a `sweepAt` (a sparse index). */
export const DUE = 'DUE';
/** The `cases` index's one partition. */
const CASES = 'CASE';
export const DUE_INDEX = 'due';
/** The `urgent_open` index's one partition. */
const OPEN = 'OPEN';
/** Statuses in which an unassigned urgent case still needs a doctor (the console's "Needs a doctor now"). */
export const NEEDS_DOCTOR: readonly Status[] = ['paging', 'escalated', 'held'];
/** The load index's one partition: cases assigned to a doctor and still open (a sparse index). */
export const LOAD = 'LOAD';
export const LOAD_INDEX = 'load';
/** The people's indexes: each case under its attorney (the submitter's email) and, once accepted, its doctor. */
export const ATTORNEY_INDEX = 'attorney';
export const DOCTOR_INDEX = 'doctor';

/** Every attribute that is a key or an index entry (never handed to callers). */
const KEY_ATTRIBUTES = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'gsi2pk',
  'gsi2sk',
  'casesPk',
  'casesSk',
  'duePk',
  'openPk',
  'urgentSk',
  'loadPk',
  'attorneyPk',
  'doctorPk',
  'ttl',
];

/**
 * A case's index entries that follow a field changing over its life: a change of the field rewrites
 * them (an entry given as undefined is removed), removing the field removes them.
 * - gsi1: by status, newest first (the staff list with a status filter)
 * - load: the cases a doctor holds, while `assigned` (sparse; projects only the doctor: a doctor's load
 *   is counted without reading whole cases)
 * - due: cases the sweeper should look at, by `sweepAt` (sparse: only cases that have one)
 * - urgent_open: its partition key while the status is one of NEEDS_DOCTOR (sparse; with `urgentSk`
 *   below, only urgent cases that still need a doctor are in it; all three statuses mean unassigned)
 * - doctor: the cases a doctor accepted, whatever became of them since (sparse: only assigned ones; sorted
 *   by `casesSk`, newest first; the doctor's page)
 */
const FOLLOWING: Partial<Record<keyof CaseRecord, (r: Partial<CaseRecord>) => Record<string, string | undefined>>> = {
  status: (r) => ({
    gsi1pk: `STATUS#${r.status}`,
    openPk: r.status && NEEDS_DOCTOR.includes(r.status) ? OPEN : undefined,
    loadPk: r.status === 'assigned' ? LOAD : undefined,
  }),
  sweepAt: () => ({ duePk: DUE }),
  assignedDoctorId: (r) => ({ doctorPk: r.assignedDoctorId ? doctorKey(r.assignedDoctorId) : undefined }),
};

const attorneyKey = (email: string) => `ATT#${email.toLowerCase()}`;
const doctorKey = (doctorId: string) => `DOC#${doctorId}`;

/**
 * Every index entry of a case item: the following ones above, and the ones fixed at creation:
 * - gsi1's sort key, the creation time (lists stay newest first whatever the status)
 * - cases: every case by creation time (the staff list without a filter, metrics and the CSV; projects
 *   the list and report fields only)
 * - gsi2: by the keyed hash of the A-number (duplicates, the staff list's `aNumber` filter)
 * - urgent_open's sort key, the creation time, on urgent cases only (read oldest first)
 * - attorney: every case under its submitter's email, by `casesSk` (the attorney's page)
 */
function caseIndexes(r: CaseRecord): Record<string, string> {
  const newest = `${r.createdAt}#${r.referralId}`;
  const following = Object.entries(FOLLOWING).flatMap(([field, entries]) =>
    r[field as keyof CaseRecord] === undefined ? [] : Object.entries(entries(r)).filter(([, v]) => v !== undefined),
  );
  return {
    gsi1sk: newest,
    casesPk: CASES,
    casesSk: newest,
    attorneyPk: attorneyKey(r.referral.attorney.email),
    ...(r.aNumberHash ? { gsi2pk: `ANUM#${r.aNumberHash}`, gsi2sk: newest } : {}),
    ...(r.urgency === 'urgent' ? { urgentSk: newest } : {}),
    ...Object.fromEntries(following),
  };
}

/** A case as the table holds it: its key and every index entry with it. */
export function caseItem(record: CaseRecord): Record<string, unknown> {
  return { ...keys.case(record.referralId), ...caseIndexes(record), ...record };
}

/** What a partial update of a case sets and removes, index entries included. */
export function caseUpdate(
  set: Partial<CaseRecord>,
  remove: (keyof CaseRecord)[] = [],
): { set: Record<string, unknown>; remove: string[] } {
  const fields: Record<string, unknown> = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
  const removed: string[] = [...remove];
  for (const [field, entries] of Object.entries(FOLLOWING)) {
    if (fields[field] !== undefined) {
      for (const [name, value] of Object.entries(entries(set))) {
        if (value === undefined) removed.push(name);
        else fields[name] = value;
      }
    }
    if (removed.includes(field)) removed.push(...Object.keys(entries(set)));
  }
  return { set: fields, remove: removed };
}

/** A doctor or coordinator: under the roster, and by phone number in gsi1 (inbound SMS finds the sender). */
export function personItem(kind: 'doctor' | 'coordinator', person: Doctor | Coordinator): Record<string, unknown> {
  const key = kind === 'doctor' ? keys.doctor(person.id) : keys.coordinator(person.id);
  return { ...key, gsi1pk: phoneIndexKey(person.phone), gsi1sk: key.sk, ...person };
}

export const phoneIndexKey = (phone: string) => `PHONE#${phone}`;

/** How many of the cases each doctor holds. */
export function countByDoctor(cases: { assignedDoctorId?: string }[]): Map<string, number> {
  const load = new Map<string, number>();
  for (const { assignedDoctorId: id } of cases) if (id) load.set(id, (load.get(id) ?? 0) + 1);
  return load;
}

/** Drops the keys and index entries so callers see the entity only. */
export function strip<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_ATTRIBUTES.includes(k))) as T;
}

/** An index that serves a list of cases: its name, key attributes, the partition of this list, its order. */
export interface ListIndex {
  name: string;
  pk: string;
  sk: string;
  value: string;
  oldestFirst?: boolean;
}

/** Which index serves a filter: one line per filter (a person's few cases are then filtered by status). */
export function listIndex(filter: CaseFilter): ListIndex {
  if (filter.submitter) return { name: ATTORNEY_INDEX, pk: 'attorneyPk', sk: 'casesSk', value: attorneyKey(filter.submitter) };
  if (filter.doctorId) return { name: DOCTOR_INDEX, pk: 'doctorPk', sk: 'casesSk', value: doctorKey(filter.doctorId) };
  if (filter.needsDoctor) return { name: 'urgent_open', pk: 'openPk', sk: 'urgentSk', value: OPEN, oldestFirst: true };
  if (filter.aNumberHash) return { name: 'gsi2', pk: 'gsi2pk', sk: 'gsi2sk', value: `ANUM#${filter.aNumberHash}` };
  if (filter.status) return { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk', value: `STATUS#${filter.status}` };
  return { name: 'cases', pk: 'casesPk', sk: 'casesSk', value: CASES };
}

/** The `cases` index, for reads by creation time. */
export const CASES_INDEX = listIndex({});

/** A cursor names the list it belongs to (index and partition) and the last item's keys. */
export function encodeCursor(index: ListIndex, item: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify([index.name, index.value, item.pk, item.sk, item[index.sk]])).toString('base64url');
}

/** The last item's keys a cursor of this list names; BadCursorError for anything else. */
export function decodeCursor(cursor: string, index: ListIndex): Record<string, string> {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new BadCursorError('unreadable cursor', { cause });
  }
  if (!Array.isArray(parts) || parts.length !== 5 || !parts.every((x) => typeof x === 'string')) throw new BadCursorError('not a cursor');
  const [name, value, pk, sk, indexSk] = parts as string[];
  if (name !== index.name || value !== index.value || !pk.startsWith('REF#')) throw new BadCursorError('a cursor of another list');
  return { pk, sk, [index.pk]: index.value, [index.sk]: indexSk };
}

/** The fields a list index hands back: gsi1 whole cases, gsi2 the summary, the others the list fields. */
export function projected(index: ListIndex): readonly string[] | undefined {
  return index.name === 'gsi2' ? SUMMARY_FIELDS : index.name === 'gsi1' ? undefined : CASE_LIST_FIELDS;
}

/** The `urgent_open` index: urgent cases that still need a doctor, oldest first. */
export const URGENT_OPEN_INDEX = listIndex({ needsDoctor: true });
