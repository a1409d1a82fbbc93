import { describe, it, expect } from 'vitest';
import { inQuietHours, matchesSpecialty, onShift, validateRoster, type RosterError } from '../../shared/domain/roster.js';
import {
  coordinatorEntry,
  doctorEntry,
  parsedDoctor,
  parsedRoster,
  rosterDocument,
  shiftEntry,
  type RosterDocument,
} from '../fixtures/roster.js';

/** Every error the import would list for `document` ([] when valid). */
function importErrors(document: unknown): RosterError[] {
  const result = validateRoster(document);
  return result.ok ? [] : result.errors;
}

const errorPaths = (document: unknown): string[] => importErrors(document).map((e) => e.path);

describe('roster', () => {
  describe('import', () => {
    it('parses the example roster of the API, with shift times as UTC instants', () => {
      // Prepare
      const document: RosterDocument = {
        doctors: [
          doctorEntry({
            specialties: ['general', 'psychiatry'],
            quietHours: { start: '22:00', end: '07:00' },
          }),
        ],
        coordinators: [coordinatorEntry()],
        shifts: [shiftEntry({ start: '2026-11-28T08:00:00-06:00', end: '2026-11-29T08:00:00-06:00' })],
      };

      // Act
      const result = validateRoster(document);
      if (!result.ok) throw new Error('expected a valid roster');
      const { roster } = result;

      // Assess
      expect(roster.shifts).toEqual([
        { doctorId: 'd-ana', role: 'primary', start: '2026-11-28T14:00:00.000Z', end: '2026-11-29T14:00:00.000Z' },
      ]);
      expect(roster.doctors[0]).toMatchObject({
        id: 'd-ana',
        phone: '+15125550101',
        specialties: ['general', 'psychiatry'],
        quietHours: { start: '22:00', end: '07:00' },
        timeZone: 'America/Chicago',
      });
      expect(roster.coordinators).toEqual([coordinatorEntry()]);
    });

    it('normalizes a doctor phone written in a local format to E.164', () => {
      const roster = parsedRoster({ doctors: [doctorEntry({ phone: '(512) 555-0101' })] });

      expect(roster.doctors[0].phone).toBe('+15125550101');
    });

    it('accepts shift times written in UTC', () => {
      const roster = parsedRoster({ shifts: [shiftEntry({ start: '2026-11-28T14:00:00Z', end: '2026-11-29T14:00:00Z' })] });

      expect(roster.shifts[0].start).toBe('2026-11-28T14:00:00.000Z');
    });

    it('accepts a roster with no doctors on shift', () => {
      expect(errorPaths(rosterDocument({ shifts: [] }))).toEqual([]);
    });

    describe('reports a bad entry with its path', () => {
      it('a shift of a doctor who is not in the roster', () => {
        const document = rosterDocument({ shifts: [shiftEntry(), shiftEntry({ doctorId: 'd-nobody' })] });

        expect(importErrors(document)).toEqual([{ path: 'shifts.1.doctorId', message: 'is not a doctor in this roster' }]);
      });

      it('a shift that ends before it starts', () => {
        const document = rosterDocument({
          shifts: [shiftEntry({ start: '2026-11-28T08:00:00-06:00', end: '2026-11-28T07:00:00-06:00' })],
        });

        expect(importErrors(document)).toEqual([{ path: 'shifts.0.end', message: 'must be after start' }]);
      });

      it('a shift that ends when it starts', () => {
        const document = rosterDocument({
          shifts: [shiftEntry({ start: '2026-11-28T08:00:00-06:00', end: '2026-11-28T14:00:00Z' })],
        });

        expect(errorPaths(document)).toEqual(['shifts.0.end']);
      });

      it('a shift that ends before it starts once offsets are applied', () => {
        // 08:00 in Chicago (14:00Z) is after 09:00 in London (09:00Z)
        const document = rosterDocument({
          shifts: [shiftEntry({ start: '2026-11-28T08:00:00-06:00', end: '2026-11-28T09:00:00+00:00' })],
        });

        expect(errorPaths(document)).toEqual(['shifts.0.end']);
      });

      it('a doctor id used twice', () => {
        const document = rosterDocument({ doctors: [doctorEntry(), doctorEntry({ name: 'Dr. Ana Other' })] });

        expect(importErrors(document)).toEqual([{ path: 'doctors.1.id', message: 'is used twice' }]);
      });

      it('a coordinator id used twice', () => {
        const document = rosterDocument({ coordinators: [coordinatorEntry(), coordinatorEntry()] });

        expect(errorPaths(document)).toEqual(['coordinators.1.id']);
      });

      it.each(['Mars/Olympus', 'Chicago', 'CST', ''])('a time zone %j', (timeZone) => {
        const document = rosterDocument({ doctors: [doctorEntry({ timeZone })] });

        expect(errorPaths(document)).toEqual(['doctors.0.timeZone']);
      });

      it.each(['call me', '555-0101', '+1 555 555 5555'])('a doctor phone %j', (phone) => {
        const document = rosterDocument({ doctors: [doctorEntry({ phone })] });

        expect(errorPaths(document)).toEqual(['doctors.0.phone']);
      });

      it('a coordinator phone', () => {
        const document = rosterDocument({ coordinators: [coordinatorEntry({ phone: 'n/a' })] });

        expect(errorPaths(document)).toEqual(['coordinators.0.phone']);
      });

      it('a missing coordinator list', () => {
        const { coordinators: _, ...document } = rosterDocument();

        expect(errorPaths(document)).toEqual(['coordinators']);
      });

      it('an empty coordinator list', () => {
        const document = rosterDocument({ coordinators: [] });

        expect(importErrors(document)).toEqual([{ path: 'coordinators', message: 'must list at least one coordinator' }]);
      });

      it.each([
        ['a shift date without a time', { end: '2026-11-29' }, 'shifts.0.end'],
        ['an unknown role', { role: 'oncall' }, 'shifts.0.role'],
      ] as const)('%s', (_, override, path) => {
        const document = rosterDocument({ shifts: [shiftEntry(override as Parameters<typeof shiftEntry>[0])] });

        expect(errorPaths(document)).toEqual([path]);
      });

      it.each(['2026-11-28T08:00:00', '28/11/2026 08:00', 'tomorrow'])('a shift start %j, and nothing else', (start) => {
        // The end is valid (and after the intended start): only the start may be blamed
        const document = rosterDocument({ shifts: [shiftEntry({ start, end: '2026-11-29T08:00:00-06:00' })] });

        expect(importErrors(document)).toEqual([
          { path: 'shifts.0.start', message: 'must be a date-time with an offset, e.g. 2026-11-28T08:00:00-06:00' },
        ]);
      });

      it.each([
        ['an unknown specialty', { specialties: ['cardiology'] }, 'doctors.0.specialties.0'],
        ['no specialty', { specialties: [] }, 'doctors.0.specialties'],
        ['a language that is not a tag', { languages: ['Spanish'] }, 'doctors.0.languages.0'],
        ['quiet hours at 24:00', { quietHours: { start: '24:00', end: '07:00' } }, 'doctors.0.quietHours.start'],
        ['quiet hours without a leading zero', { quietHours: { start: '22:00', end: '7:00' } }, 'doctors.0.quietHours.end'],
        ['a negative capacity', { maxOpenCases: -1 }, 'doctors.0.maxOpenCases'],
        ['an id with capitals', { id: 'D-Ana' }, 'doctors.0.id'],
        ['a bad email', { email: 'ana.example.org' }, 'doctors.0.email'],
      ] as const)('a doctor with %s', (_, override, path) => {
        const document = rosterDocument({
          doctors: [doctorEntry(override as Parameters<typeof doctorEntry>[0])],
          shifts: [],
        });

        expect(errorPaths(document)).toEqual([path]);
      });

      it('an unknown field in a doctor', () => {
        const document = rosterDocument({ doctors: [{ ...doctorEntry(), pager: '1234' } as ReturnType<typeof doctorEntry>] });

        expect(importErrors(document)).toEqual([{ path: 'doctors.0.pager', message: 'is not a known field' }]);
      });
    });

    // the contract, Roster: the import lists every error, so cross-entry checks must not depend on every field being valid
    it('still checks shift references when a doctor has a bad phone', () => {
      const document = rosterDocument({
        doctors: [doctorEntry({ phone: 'call me' })],
        shifts: [shiftEntry({ doctorId: 'd-nobody' })],
      });

      const paths = errorPaths(document);

      expect(paths).toEqual(['doctors.0.phone', 'shifts.0.doctorId']);
    });

    it('still checks duplicate ids when a doctor lacks a required field', () => {
      const { active: _, ...withoutActive } = doctorEntry({ id: 'd-bo' });
      const document = rosterDocument({
        doctors: [doctorEntry(), doctorEntry(), withoutActive as ReturnType<typeof doctorEntry>],
      });

      const paths = errorPaths(document);

      expect(paths).toEqual(['doctors.2.active', 'doctors.1.id']);
    });

    it('lists every error of a document at once', () => {
      // Prepare: one field error, plus the cross-entry errors (unknown doctor, end before start, duplicate id)
      const document = rosterDocument({
        doctors: [doctorEntry({ phone: 'call me' }), doctorEntry({ id: 'd-bo' }), doctorEntry({ id: 'd-bo' })],
        shifts: [
          shiftEntry({ doctorId: 'd-nobody' }),
          shiftEntry({ start: '2026-11-28T08:00:00-06:00', end: '2026-11-28T07:00:00-06:00' }),
        ],
      });

      // Act
      const paths = errorPaths(document);

      // Assess
      expect(paths.sort()).toEqual(['doctors.0.phone', 'doctors.2.id', 'shifts.0.doctorId', 'shifts.1.end']);
    });
  });

  describe('quiet hours', () => {
    // 22:00–07:00 in Chicago; in May Chicago is on CDT (UTC-5)
    const nightOwl = parsedDoctor({ quietHours: { start: '22:00', end: '07:00' } });

    it.each([
      ['21:59', '2026-05-16T02:59:00Z', false],
      ['22:00', '2026-05-16T03:00:00Z', true],
      ['23:30', '2026-05-16T04:30:00Z', true],
      ['00:00', '2026-05-16T05:00:00Z', true],
      ['03:00', '2026-05-16T08:00:00Z', true],
      ['06:59', '2026-05-16T11:59:00Z', true],
      ['07:00', '2026-05-16T12:00:00Z', false],
      ['12:00', '2026-05-16T17:00:00Z', false],
    ])('across midnight: at %s local (%s) quiet is %s', (_, instant, quiet) => {
      const result = inQuietHours(nightOwl, new Date(instant));

      expect(result).toBe(quiet);
    });

    it("reads the doctor's own time zone", () => {
      // 03:30Z is 23:30 in New York but 20:30 in Los Angeles
      const at = new Date('2026-05-16T03:30:00Z');
      const eastern = parsedDoctor({ timeZone: 'America/New_York', quietHours: { start: '22:00', end: '07:00' } });
      const pacific = parsedDoctor({ timeZone: 'America/Los_Angeles', quietHours: { start: '22:00', end: '07:00' } });

      expect([inQuietHours(eastern, at), inQuietHours(pacific, at)]).toEqual([true, false]);
    });

    it.each([
      ['spring-forward day, 06:30 CDT', '2026-03-08T11:30:00Z', true],
      ['spring-forward day, 07:30 CDT (06:30 had it still been CST)', '2026-03-08T12:30:00Z', false],
      ['fall-back day, 06:30 CST (07:30 had it still been CDT)', '2026-11-01T12:30:00Z', true],
      ['fall-back day, 07:00 CST', '2026-11-01T13:00:00Z', false],
      ['fall-back day, 01:30 CDT, before the change', '2026-11-01T06:30:00Z', true],
    ])('on a DST change: %s (%s) is quiet: %s', (_, instant, quiet) => {
      expect(inQuietHours(nightOwl, new Date(instant))).toBe(quiet);
    });

    it('handles quiet hours within one day', () => {
      const napper = parsedDoctor({ quietHours: { start: '13:00', end: '15:00' } });

      expect([
        inQuietHours(napper, new Date('2026-05-15T17:59:00Z')),
        inQuietHours(napper, new Date('2026-05-15T18:00:00Z')),
        inQuietHours(napper, new Date('2026-05-15T19:59:00Z')),
        inQuietHours(napper, new Date('2026-05-15T20:00:00Z')),
      ]).toEqual([false, true, true, false]);
    });

    it('is never quiet for a doctor without quiet hours', () => {
      const alwaysOn = parsedDoctor();

      expect(inQuietHours(alwaysOn, new Date('2026-05-16T08:00:00Z'))).toBe(false);
    });
  });

  describe('shifts', () => {
    // Midnight CDT to 23:59 CST on the fall-back day: a 24 h 59 min shift
    const fallBackShift = parsedRoster({
      shifts: [shiftEntry({ start: '2026-11-01T00:00:00-05:00', end: '2026-11-01T23:59:00-06:00' })],
    }).shifts[0];

    it('keeps the right length across a DST change', () => {
      const length = Date.parse(fallBackShift.end) - Date.parse(fallBackShift.start);

      expect(fallBackShift).toMatchObject({ start: '2026-11-01T05:00:00.000Z', end: '2026-11-02T05:59:00.000Z' });
      expect(length).toBe((24 * 60 + 59) * 60_000);
    });

    it.each([
      ['before the start', '2026-11-01T04:59:59Z', false],
      ['at the start', '2026-11-01T05:00:00Z', true],
      ['at noon UTC', '2026-11-01T12:00:00Z', true],
      ['a minute before the end', '2026-11-02T05:58:00Z', true],
      ['at the end', '2026-11-02T05:59:00Z', false],
    ])('%s (%s) is covered: %s', (_, instant, covered) => {
      expect(onShift(fallBackShift, new Date(instant))).toBe(covered);
    });
  });

  describe('specialty matching', () => {
    const psychiatrist = parsedDoctor({ specialties: ['psychiatry'] });

    it("matches any doctor for a 'general' request", () => {
      expect(matchesSpecialty(psychiatrist, 'general')).toBe(true);
    });

    it('matches a doctor who lists the requested specialty', () => {
      expect(matchesSpecialty(psychiatrist, 'psychiatry')).toBe(true);
    });

    it('does not match a doctor who does not list it', () => {
      expect(matchesSpecialty(psychiatrist, 'obstetrics')).toBe(false);
    });
  });
});
