import { describe, it, expect } from 'vitest';
import { addDays, ageOn, dateIn, instantAt, isRealDate, minutesOfDay } from '../../shared/domain/dates.js';

const CHICAGO = 'America/Chicago';

describe('dates', () => {
  describe('dateIn', () => {
    it.each([
      // summer: CDT, UTC-5
      ['2026-05-16T04:59:59Z', '2026-05-15'],
      ['2026-05-16T05:00:00Z', '2026-05-16'],
      // winter: CST, UTC-6
      ['2026-01-16T05:59:59Z', '2026-01-15'],
      ['2026-01-16T06:00:00Z', '2026-01-16'],
      // new year's eve in Chicago is already new year's day in UTC
      ['2027-01-01T03:00:00Z', '2026-12-31'],
    ])('reads %s as %s in Chicago', (instant, date) => {
      // Act
      const result = dateIn(new Date(instant), CHICAGO);

      // Assess
      expect(result).toBe(date);
    });

    it('gives different dates for the same instant in different zones', () => {
      const instant = new Date('2026-05-16T02:00:00Z');

      expect([dateIn(instant, 'UTC'), dateIn(instant, CHICAGO), dateIn(instant, 'Asia/Tokyo')]).toEqual([
        '2026-05-16',
        '2026-05-15',
        '2026-05-16',
      ]);
    });
  });

  describe('instantAt', () => {
    it.each([
      ['the day before spring forward (CST)', '2026-03-07', '2026-03-07T15:00:00.000Z'],
      ['the spring-forward day (CDT from 02:00)', '2026-03-08', '2026-03-08T14:00:00.000Z'],
      ['the day before fall back (CDT)', '2026-10-31', '2026-10-31T14:00:00.000Z'],
      ['the fall-back day (CST from 02:00)', '2026-11-01', '2026-11-01T15:00:00.000Z'],
    ])('puts 09:00 in Chicago on %s at the right UTC instant', (_, date, utc) => {
      const result = instantAt(date, '09:00', CHICAGO);

      expect(result.toISOString()).toBe(utc);
    });

    it('puts 00:30 on the spring-forward day before the change', () => {
      expect(instantAt('2026-03-08', '00:30', CHICAGO).toISOString()).toBe('2026-03-08T06:30:00.000Z');
    });

    it('reads the time in the zone it is given', () => {
      expect(instantAt('2026-07-01', '09:00', 'Europe/Madrid').toISOString()).toBe('2026-07-01T07:00:00.000Z');
    });
  });

  describe('minutesOfDay', () => {
    it('counts minutes since local midnight, after a DST change', () => {
      // 12:30Z on the fall-back day is 06:30 CST
      expect(minutesOfDay(new Date('2026-11-01T12:30:00Z'), CHICAGO)).toBe(6 * 60 + 30);
    });

    it('is 0 at local midnight', () => {
      expect(minutesOfDay(new Date('2026-05-15T05:00:00Z'), CHICAGO)).toBe(0);
    });
  });

  describe('addDays', () => {
    it.each([
      ['2026-05-15', 7, '2026-05-22'],
      ['2026-12-30', 3, '2027-01-02'],
      ['2026-02-28', 1, '2026-03-01'],
      ['2028-02-28', 1, '2028-02-29'],
      ['2026-03-01', -1, '2026-02-28'],
      ['2026-03-07', 2, '2026-03-09'],
    ])('%s plus %i days is %s', (date, days, expected) => {
      expect(addDays(date, days)).toBe(expected);
    });
  });

  describe('ageOn', () => {
    it.each([
      ['1971-05-15', '2026-05-15', 55],
      ['1971-05-16', '2026-05-15', 54],
      ['1971-06-01', '2026-05-15', 54],
      ['1971-04-30', '2026-05-15', 55],
      ['2026-05-15', '2026-05-15', 0],
    ])('born %s, on %s is %i years old', (birth, today, age) => {
      expect(ageOn(birth, today)).toBe(age);
    });
  });

  describe('isRealDate', () => {
    it.each(['2028-02-29', '2026-12-31', '1906-01-01'])('accepts %s', (date) => {
      expect(isRealDate(date)).toBe(true);
    });

    it.each(['2026-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-5-1', '2026-05-15T00:00', 'tomorrow'])('rejects %s', (date) => {
      expect(isRealDate(date)).toBe(false);
    });
  });
});
