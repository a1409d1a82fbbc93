import { describe, it, expect } from 'vitest';
import { FINAL_WAVE, routineDoctors, waveDoctors, waveScheduleName, type WaveInput } from '../../shared/domain/waves.js';
import type { Specialty } from '../../shared/domain/referral.js';
import type { Doctor, Roster } from '../../shared/domain/roster.js';
import { DAY_SHIFT, doctorEntry, NOON_CHICAGO, parsedRoster, PAST_SHIFT, shiftEntry } from '../fixtures/roster.js';

/** 23:00 in Chicago on the fixtures' day: inside `DAY_SHIFT` and inside 22:00–07:00 quiet hours. */
const LATE_EVENING = new Date('2026-05-16T04:00:00Z');
const NIGHTS = { start: '22:00', end: '07:00' };

function input(roster: Roster, options: { specialty?: Specialty; at?: Date; load?: Record<string, number> } = {}): WaveInput {
  return {
    roster,
    specialty: options.specialty ?? 'general',
    at: options.at ?? NOON_CHICAGO,
    load: new Map(Object.entries(options.load ?? {})),
  };
}

const ids = (doctors: Doctor[]): string[] => doctors.map((d) => d.id);

describe('waves', () => {
  describe('wave 1', () => {
    it('pages an active, matching primary on shift with room for a case', () => {
      // Prepare
      const roster = parsedRoster({
        doctors: [doctorEntry({ id: 'd-ana' })],
        shifts: [shiftEntry({ doctorId: 'd-ana', role: 'primary' })],
      });

      // Act
      const paged = waveDoctors(1, input(roster, { load: { 'd-ana': 2 } }));

      // Assess
      expect(ids(paged)).toEqual(['d-ana']);
    });

    it('pages only the primaries on shift, not backups or doctors without a shift', () => {
      const roster = parsedRoster({
        doctors: [doctorEntry({ id: 'd-ana' }), doctorEntry({ id: 'd-bo' }), doctorEntry({ id: 'd-cy' })],
        shifts: [shiftEntry({ doctorId: 'd-ana', role: 'backup' }), shiftEntry({ doctorId: 'd-bo', role: 'primary' })],
      });

      expect(ids(waveDoctors(1, input(roster)))).toEqual(['d-bo']);
    });

    it('leaves out an inactive primary', () => {
      const roster = parsedRoster({ doctors: [doctorEntry({ active: false })], shifts: [shiftEntry()] });

      expect(waveDoctors(1, input(roster))).toEqual([]);
    });

    it('leaves out a primary without the requested specialty', () => {
      const roster = parsedRoster({
        doctors: [doctorEntry({ id: 'd-ana', specialties: ['general'] }), doctorEntry({ id: 'd-ob', specialties: ['obstetrics'] })],
        shifts: [shiftEntry({ doctorId: 'd-ana' }), shiftEntry({ doctorId: 'd-ob' })],
      });

      expect(ids(waveDoctors(1, input(roster, { specialty: 'obstetrics' })))).toEqual(['d-ob']);
    });

    it("matches every doctor for a 'general' request", () => {
      const roster = parsedRoster({
        doctors: [doctorEntry({ id: 'd-psy', specialties: ['psychiatry'] }), doctorEntry({ id: 'd-ob', specialties: ['obstetrics'] })],
        shifts: [shiftEntry({ doctorId: 'd-psy' }), shiftEntry({ doctorId: 'd-ob' })],
      });

      expect(ids(waveDoctors(1, input(roster, { specialty: 'general' })))).toEqual(['d-psy', 'd-ob']);
    });

    it('leaves out a primary at capacity', () => {
      const roster = parsedRoster({ doctors: [doctorEntry({ maxOpenCases: 3 })], shifts: [shiftEntry()] });

      expect(waveDoctors(1, input(roster, { load: { 'd-ana': 3 } }))).toEqual([]);
    });

    it('leaves out a primary who takes no cases at all', () => {
      const roster = parsedRoster({ doctors: [doctorEntry({ maxOpenCases: 0 })], shifts: [shiftEntry()] });

      expect(waveDoctors(1, input(roster))).toEqual([]);
    });

    it('leaves out a primary whose shift has ended', () => {
      const roster = parsedRoster({ shifts: [shiftEntry({ ...PAST_SHIFT })] });

      expect(waveDoctors(1, input(roster))).toEqual([]);
    });

    it('pages a primary on shift even in their quiet hours', () => {
      const roster = parsedRoster({ doctors: [doctorEntry({ quietHours: NIGHTS })], shifts: [shiftEntry()] });

      expect(ids(waveDoctors(1, input(roster, { at: LATE_EVENING })))).toEqual(['d-ana']);
    });
  });

  describe('wave 2', () => {
    it('pages backups on shift, primaries on shift (wave 1 offers keep the already-paged from a second page) and every other available doctor', () => {
      // Prepare
      const roster = parsedRoster({
        doctors: [doctorEntry({ id: 'd-prim' }), doctorEntry({ id: 'd-back' }), doctorEntry({ id: 'd-free' })],
        shifts: [shiftEntry({ doctorId: 'd-prim', role: 'primary' }), shiftEntry({ doctorId: 'd-back', role: 'backup' })],
      });

      // Act
      const paged = waveDoctors(2, input(roster));

      // Assess
      expect(ids(paged)).toEqual(['d-prim', 'd-back', 'd-free']);
    });

    it('pages a backup on shift even in their quiet hours', () => {
      const roster = parsedRoster({
        doctors: [doctorEntry({ id: 'd-back', quietHours: NIGHTS })],
        shifts: [shiftEntry({ doctorId: 'd-back', role: 'backup' })],
      });

      expect(ids(waveDoctors(2, input(roster, { at: LATE_EVENING })))).toEqual(['d-back']);
    });

    it('leaves out a doctor without a shift during their quiet hours', () => {
      const roster = parsedRoster({
        doctors: [doctorEntry({ id: 'd-sleepy', quietHours: NIGHTS }), doctorEntry({ id: 'd-owl' })],
        shifts: [],
      });

      expect(ids(waveDoctors(2, input(roster, { at: LATE_EVENING })))).toEqual(['d-owl']);
    });

    it("reads quiet hours in each doctor's own zone", () => {
      // 23:00 in Chicago is 21:00 in Los Angeles
      const roster = parsedRoster({
        doctors: [
          doctorEntry({ id: 'd-chi', quietHours: NIGHTS }),
          doctorEntry({ id: 'd-la', timeZone: 'America/Los_Angeles', quietHours: NIGHTS }),
        ],
        shifts: [],
      });

      expect(ids(waveDoctors(2, input(roster, { at: LATE_EVENING })))).toEqual(['d-la']);
    });

    it('leaves out a backup whose shift has ended, in quiet hours', () => {
      const roster = parsedRoster({
        doctors: [doctorEntry({ id: 'd-back', quietHours: NIGHTS })],
        shifts: [shiftEntry({ doctorId: 'd-back', role: 'backup', start: PAST_SHIFT.start, end: DAY_SHIFT.start })],
      });

      expect(waveDoctors(2, input(roster, { at: LATE_EVENING }))).toEqual([]);
    });

    it('leaves out inactive, non-matching and full doctors', () => {
      const roster = parsedRoster({
        doctors: [
          doctorEntry({ id: 'd-off', active: false, specialties: ['pediatrics'] }),
          doctorEntry({ id: 'd-adult', specialties: ['internal_medicine'] }),
          doctorEntry({ id: 'd-full', specialties: ['pediatrics'], maxOpenCases: 1 }),
          doctorEntry({ id: 'd-kids', specialties: ['pediatrics'] }),
        ],
        shifts: [
          shiftEntry({ doctorId: 'd-off', role: 'backup' }),
          shiftEntry({ doctorId: 'd-adult', role: 'backup' }),
          shiftEntry({ doctorId: 'd-full', role: 'backup' }),
        ],
      });

      const paged = waveDoctors(2, input(roster, { specialty: 'pediatrics', load: { 'd-full': 1 } }));

      expect(ids(paged)).toEqual(['d-kids']);
    });

    it('lists a doctor holding a primary and a backup shift once', () => {
      const roster = parsedRoster({
        doctors: [doctorEntry({ id: 'd-both' })],
        shifts: [shiftEntry({ doctorId: 'd-both', role: 'primary' }), shiftEntry({ doctorId: 'd-both', role: 'backup' })],
      });

      expect(ids(waveDoctors(2, input(roster)))).toEqual(['d-both']);
    });

    it('pages a primary on shift in quiet hours whose shift began after wave 1', () => {
      const roster = parsedRoster({
        doctors: [doctorEntry({ id: 'd-late', quietHours: NIGHTS })],
        shifts: [shiftEntry({ doctorId: 'd-late', role: 'primary' })],
      });

      expect(ids(waveDoctors(2, input(roster, { at: LATE_EVENING })))).toEqual(['d-late']);
    });
  });

  describe('routine offers', () => {
    it('go to every available doctor outside their quiet hours', () => {
      const roster = parsedRoster({
        doctors: [
          doctorEntry({ id: 'd-prim', quietHours: NIGHTS }),
          doctorEntry({ id: 'd-sleepy', quietHours: NIGHTS }),
          doctorEntry({ id: 'd-owl' }),
          doctorEntry({ id: 'd-off', active: false }),
          doctorEntry({ id: 'd-full', maxOpenCases: 2 }),
        ],
        shifts: [shiftEntry({ doctorId: 'd-prim', role: 'primary' })],
      });

      const offered = routineDoctors(input(roster, { at: LATE_EVENING, load: { 'd-full': 2 } }));

      expect(ids(offered)).toEqual(['d-owl']);
    });

    it('include doctors with quiet hours during the day', () => {
      const roster = parsedRoster({
        doctors: [doctorEntry({ id: 'd-sleepy', quietHours: NIGHTS }), doctorEntry({ id: 'd-psy', specialties: ['psychiatry'] })],
        shifts: [],
      });

      expect(ids(routineDoctors(input(roster, { at: NOON_CHICAGO })))).toEqual(['d-sleepy', 'd-psy']);
    });
  });

  describe('schedules', () => {
    it('name a wave schedule after the wave and the referral', () => {
      expect(waveScheduleName(2, 'MR-7K3M9QXT')).toBe('wave2-MR-7K3M9QXT');
    });

    it('count three waves, the last one for the coordinators', () => {
      expect(FINAL_WAVE).toBe(3);
    });
  });
});
