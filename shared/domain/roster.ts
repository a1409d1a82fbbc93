import * as z from '../zod.js';
import { fieldErrors } from './field-errors.js';
import { languageTag, phone, SPECIALTIES, text } from './referral.js';

const timeZone = z.string().check(
  z.refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return tz.includes('/') || tz === 'UTC';
      } catch {
        return false;
      }
    },
    { error: 'must be an IANA time zone such as America/Chicago' },
  ),
);

const clock = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time HH:MM (24-hour)' }));
const instant = z.pipe(
  z.iso.datetime({ offset: true, error: 'must be a date-time with an offset, e.g. 2026-11-28T08:00:00-06:00' }),
  z.transform((s: string) => new Date(s).toISOString()),
);
export const id = z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { error: 'must be 1-40 lower-case letters, digits or dashes' }));

export const email = z.pipe(
  z.email({ error: 'must be an email address' }),
  z.transform((e: string) => e.toLowerCase()),
);

export const DoctorSchema = z.strictObject({
  id,
  name: text(1, 120),
  email,
  phone,
  specialties: z.array(z.enum(SPECIALTIES)).check(z.minLength(1)),
  languages: z.array(languageTag).check(z.minLength(1)),
  timeZone,
  maxOpenCases: z.number().check(z.int(), z.gte(0), z.lte(50)),
  active: z.boolean(),
  quietHours: z.optional(z.strictObject({ start: clock, end: clock })),
});

const CoordinatorSchema = z.strictObject({
  id,
  name: text(1, 120),
  email,
  phone,
});

const ShiftSchema = z.strictObject({
  doctorId: id,
  role: z.enum(['primary', 'backup'], { error: 'must be primary or backup' }),
  start: instant,
  end: instant,
});

/** The roster document, entry by entry; `validateRoster` adds the checks across entries. */
export const RosterSchema = z.strictObject({
  doctors: z.array(DoctorSchema),
  coordinators: z.array(CoordinatorSchema).check(z.minLength(1, { error: 'must list at least one coordinator' })),
  shifts: z.array(ShiftSchema),
});

export type Roster = z.output<typeof RosterSchema>;
export type Doctor = Roster['doctors'][number];
export type Coordinator = Roster['coordinators'][number];
export type Shift = Roster['shifts'][number];

export interface RosterError {
  path: string;
  message: string;
}

/**
 * Validates a whole roster document and lists every error: field errors, and the checks across
 * entries (unique ids, shifts naming a doctor of this roster, end after start), which run even when
 * other entries are malformed and skip only the malformed values themselves.
 */
export function validateRoster(document: unknown): { ok: true; roster: Roster } | { ok: false; errors: RosterError[] } {
  const parsed = RosterSchema.safeParse(document);
  const errors: RosterError[] = parsed.success ? [] : fieldErrors(parsed.error);
  const raw = (typeof document === 'object' && document !== null ? document : {}) as Record<string, unknown>;
  const list = (key: string) => (Array.isArray(raw[key]) ? (raw[key] as Record<string, unknown>[]) : []);
  const add = (path: string, message: string) => {
    if (!errors.some((e) => e.path === path)) errors.push({ path, message });
  };
  const ids = new Set<unknown>();
  for (const key of ['doctors', 'coordinators']) {
    list(key).forEach((entry, i) => {
      const id = entry?.id;
      if (typeof id !== 'string') return;
      if (ids.has(id)) add(`${key}.${i}.id`, 'is used twice');
      ids.add(id);
    });
  }
  const doctorIds = new Set(list('doctors').map((d) => d?.id));
  list('shifts').forEach((shift, i) => {
    if (typeof shift?.doctorId === 'string' && !doctorIds.has(shift.doctorId))
      add(`shifts.${i}.doctorId`, 'is not a doctor in this roster');
    const start = ShiftSchema.shape.start.safeParse(shift?.start);
    const end = ShiftSchema.shape.end.safeParse(shift?.end);
    if (start.success && end.success && end.data <= start.data) add(`shifts.${i}.end`, 'must be after start');
  });
  return errors.length === 0 && parsed.success ? { ok: true, roster: parsed.data } : { ok: false, errors };
}

export { inQuietHours, matchesSpecialty, onShift } from './shifts.js';
