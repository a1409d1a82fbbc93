import { describe, expect, it } from 'vitest';
import { CoverageQuery, coverageGaps, coverageWindow, onCall } from '../../shared/domain/coverage.js';
import { doctorEntry, parsedRoster, type RosterDocument } from '../fixtures/roster.js';

/** A window of two days in UTC: 2026-05-15T00:00Z to 2026-05-17T00:00Z. */
const FROM = new Date('2026-05-15T00:00:00Z');
const TO = new Date('2026-05-17T00:00:00Z');

const shift = (doctorId: string, start: string, end: string, role: 'primary' | 'backup' = 'primary') => ({
  doctorId,
  role,
  start: `2026-05-${start}:00Z`,
  end: `2026-05-${end}:00Z`,
});

const gaps = (doc: Partial<RosterDocument>, from = FROM, to = TO) => coverageGaps(parsedRoster(doc), from, to);

const ANA = doctorEntry({ id: 'd-ana', specialties: ['general'] });
const BEN = doctorEntry({ id: 'd-ben', email: 'ben@example.org', phone: '+15125550102', specialties: ['general', 'psychiatry'] });

describe('coverage gaps', () => {
  it('finds none when primaries cover the whole window', () => {
    expect(gaps({ doctors: [ANA], shifts: [shift('d-ana', '14T12:00', '16T00:00'), shift('d-ana', '16T00:00', '18T00:00')] })).toEqual([]);
  });

  it('finds the whole window when nobody is on shift', () => {
    expect(gaps({ doctors: [ANA], shifts: [] })).toEqual([{ start: FROM.toISOString(), end: TO.toISOString(), specialty: 'general' }]);
  });

  it('finds a gap at the start of the window', () => {
    expect(gaps({ doctors: [ANA], shifts: [shift('d-ana', '15T06:00', '17T06:00')] })).toEqual([
      { start: '2026-05-15T00:00:00.000Z', end: '2026-05-15T06:00:00.000Z', specialty: 'general' },
    ]);
  });

  it('finds a gap at the end of the window', () => {
    expect(gaps({ doctors: [ANA], shifts: [shift('d-ana', '14T00:00', '16T20:00')] })).toEqual([
      { start: '2026-05-16T20:00:00.000Z', end: '2026-05-17T00:00:00.000Z', specialty: 'general' },
    ]);
  });

  it('finds a gap in the middle, between shifts given out of order', () => {
    expect(gaps({ doctors: [ANA], shifts: [shift('d-ana', '16T08:00', '17T08:00'), shift('d-ana', '14T08:00', '15T20:00')] })).toEqual([
      { start: '2026-05-15T20:00:00.000Z', end: '2026-05-16T08:00:00.000Z', specialty: 'general' },
    ]);
  });

  it('merges overlapping and touching shifts of several doctors (no gap where one ends inside another)', () => {
    const shifts = [
      shift('d-ana', '14T20:00', '15T12:00'),
      shift('d-ben', '15T08:00', '15T10:00'), // inside Ana's
      shift('d-ben', '15T10:00', '16T04:00'), // overlaps Ana's end
      shift('d-ana', '16T04:00', '17T02:00'), // touches Ben's end
    ];
    expect(gaps({ doctors: [ANA, { ...BEN, specialties: ['general'] }], shifts })).toEqual([]);
  });

  it('ignores shifts wholly outside the window', () => {
    const shifts = [shift('d-ana', '10T00:00', '14T00:00'), shift('d-ana', '17T00:00', '19T00:00'), shift('d-ana', '15T00:00', '16T00:00')];
    expect(gaps({ doctors: [ANA], shifts })).toEqual([
      { start: '2026-05-16T00:00:00.000Z', end: '2026-05-17T00:00:00.000Z', specialty: 'general' },
    ]);
  });

  it('does not count an inactive doctor on a primary shift', () => {
    expect(gaps({ doctors: [{ ...ANA, active: false }], shifts: [shift('d-ana', '14T00:00', '18T00:00')] })).toEqual([
      { start: FROM.toISOString(), end: TO.toISOString(), specialty: 'general' },
    ]);
  });

  it('does not count backup shifts', () => {
    expect(
      gaps({ doctors: [ANA], shifts: [shift('d-ana', '14T00:00', '18T00:00', 'backup'), shift('d-ana', '16T00:00', '18T00:00')] }),
    ).toEqual([{ start: '2026-05-15T00:00:00.000Z', end: '2026-05-16T00:00:00.000Z', specialty: 'general' }]);
  });

  it('reports each specialty some doctor offers: a general primary covers general only', () => {
    const shifts = [shift('d-ana', '14T00:00', '18T00:00'), shift('d-ben', '16T00:00', '18T00:00')];
    expect(gaps({ doctors: [ANA, BEN], shifts })).toEqual([
      { start: '2026-05-15T00:00:00.000Z', end: '2026-05-16T00:00:00.000Z', specialty: 'psychiatry' },
    ]);
  });

  it('counts a psychiatrist as covering general too', () => {
    expect(gaps({ doctors: [ANA, BEN], shifts: [shift('d-ben', '14T00:00', '18T00:00')] })).toEqual([]);
  });

  it('reports a specialty offered only by an inactive doctor as uncovered, sorted by start then specialty', () => {
    const doctors = [ANA, { ...BEN, active: false, specialties: ['obstetrics' as const] }];
    expect(gaps({ doctors, shifts: [shift('d-ana', '15T12:00', '18T00:00')] })).toEqual([
      { start: '2026-05-15T00:00:00.000Z', end: '2026-05-15T12:00:00.000Z', specialty: 'general' },
      { start: '2026-05-15T00:00:00.000Z', end: '2026-05-17T00:00:00.000Z', specialty: 'obstetrics' },
    ]);
  });

  it('has no gap across the fall-back DST change when daily shifts hand over at 08:00 Chicago time', () => {
    // 2026-11-01: Chicago goes from CDT (-05:00) to CST (-06:00); the shift that day lasts 25 hours
    const shifts = [
      { doctorId: 'd-ana', role: 'primary' as const, start: '2026-10-31T08:00:00-05:00', end: '2026-11-01T08:00:00-06:00' },
      { doctorId: 'd-ana', role: 'primary' as const, start: '2026-11-01T08:00:00-06:00', end: '2026-11-02T08:00:00-06:00' },
    ];
    const from = new Date('2026-10-31T13:00:00Z');
    const to = new Date('2026-11-02T14:00:00Z');
    expect(coverageGaps(parsedRoster({ doctors: [ANA], shifts }), from, to)).toEqual([]);
  });

  it('finds the hour left open when a spring-forward shift is written as if the day had 24 hours', () => {
    // 2027-03-14: Chicago goes from CST to CDT; 08:00 CST to 08:00 CST next day ends at 09:00 CDT
    const shifts = [
      { doctorId: 'd-ana', role: 'primary' as const, start: '2027-03-13T08:00:00-06:00', end: '2027-03-14T08:00:00-05:00' },
      { doctorId: 'd-ana', role: 'primary' as const, start: '2027-03-14T09:00:00-05:00', end: '2027-03-15T08:00:00-05:00' },
    ];
    expect(
      coverageGaps(parsedRoster({ doctors: [ANA], shifts }), new Date('2027-03-13T14:00:00Z'), new Date('2027-03-15T13:00:00Z')),
    ).toEqual([{ start: '2027-03-14T13:00:00.000Z', end: '2027-03-14T14:00:00.000Z', specialty: 'general' }]);
  });
});

describe('on call', () => {
  const CAL = doctorEntry({ id: 'd-cal', email: 'cal@example.org', phone: '+15125550103', active: false });
  const roster = parsedRoster({
    doctors: [ANA, BEN, CAL],
    shifts: [
      shift('d-ana', '15T00:00', '16T00:00'),
      shift('d-cal', '15T00:00', '16T00:00'), // inactive, on shift now
      shift('d-ben', '15T06:00', '15T18:00', 'backup'),
      shift('d-cal', '15T13:00', '16T00:00', 'backup'), // inactive, starts first
      shift('d-ben', '16T00:00', '17T00:00'),
    ],
  });
  const at = new Date('2026-05-15T12:00:00Z');

  it('lists the active doctors on shift now in each role, never an inactive one with a shift now', () => {
    expect(onCall(roster, 'primary', at).now.map((s) => s.doctorId)).toEqual(['d-ana']);
    expect(onCall(roster, 'backup', at).now.map((s) => s.doctorId)).toEqual(['d-ben']);
    expect(onCall({ ...roster, doctors: roster.doctors.map((d) => ({ ...d, active: true })) }, 'primary', at).now).toHaveLength(2);
  });

  it("names the next active doctor's shift, skipping an inactive doctor's earlier one", () => {
    expect(onCall(roster, 'primary', at).next?.doctorId).toBe('d-ben');
    expect(onCall(roster, 'backup', at).next).toBeUndefined();
  });
});

describe('coverage window', () => {
  it('spans 14 calendar days at the same wall-clock time in the program time zone', () => {
    const now = new Date('2026-05-15T17:00:00Z'); // noon in Chicago
    const { from, to } = coverageWindow(now, 14, 'America/Chicago');
    expect(from).toEqual(now);
    expect(to.toISOString()).toBe('2026-05-29T17:00:00.000Z');
  });

  it('is an hour longer across the fall-back change (337 h) and an hour shorter across spring-forward (335 h)', () => {
    const fall = coverageWindow(new Date('2026-10-25T17:00:00Z'), 14, 'America/Chicago'); // noon CDT
    expect(fall.to.toISOString()).toBe('2026-11-08T18:00:00.000Z'); // noon CST
    expect((fall.to.getTime() - fall.from.getTime()) / 3_600_000).toBe(337);
    const spring = coverageWindow(new Date('2027-03-07T18:00:00Z'), 14, 'America/Chicago'); // noon CST
    expect(spring.to.toISOString()).toBe('2027-03-21T17:00:00.000Z'); // noon CDT
    expect((spring.to.getTime() - spring.from.getTime()) / 3_600_000).toBe(335);
  });
});

describe('coverage query', () => {
  it('defaults to 14 days and takes 1 to 90', () => {
    expect(CoverageQuery.parse({})).toEqual({ days: 14 });
    expect(CoverageQuery.parse({ days: '1' })).toEqual({ days: 1 });
    expect(CoverageQuery.parse({ days: '90' })).toEqual({ days: 90 });
  });

  it('refuses anything else at days', () => {
    for (const days of ['0', '91', '100', '1.5', '-1', 'x', '']) {
      const r = CoverageQuery.safeParse({ days });
      expect(r.success, days).toBe(false);
      expect(
        r.error!.issues.map((i) => i.path.join('.')),
        days,
      ).toEqual(['days']);
    }
  });
});
