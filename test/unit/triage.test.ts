import { describe, it, expect } from 'vitest';
import { triage } from '../../shared/domain/triage.js';
import type { RiskFactor } from '../../shared/domain/referral.js';
import { parsedReferral, TODAY } from '../fixtures/referral.js';

// TODAY is 2026-05-15. The fixture's client was born 1990-04-02 (36 years old), routine, no risk factors.

describe('triage', () => {
  it('marks a referral with no rule firing routine, with no reasons', () => {
    // Prepare
    const referral = parsedReferral();

    // Act
    const result = triage(referral, TODAY);

    // Assess
    expect(result).toEqual({ urgency: 'routine', reasons: [] });
  });

  describe('attorney urgency', () => {
    it('marks a case the attorney called urgent urgent', () => {
      const referral = parsedReferral({ medical: { attorneyUrgency: 'urgent' } });

      const result = triage(referral, TODAY);

      expect(result).toEqual({ urgency: 'urgent', reasons: ['attorney_marked_urgent'] });
    });
  });

  describe('deadline', () => {
    it.each([
      ['today', '2026-05-15'],
      ['in 1 day', '2026-05-16'],
      ['in exactly 7 days', '2026-05-22'],
    ])('marks a deadline %s urgent', (_, deadline) => {
      const referral = parsedReferral({ request: { deadline } });

      const result = triage(referral, TODAY);

      expect(result).toEqual({ urgency: 'urgent', reasons: ['deadline_within_7_days'] });
    });

    it('leaves a deadline in 8 days routine', () => {
      const referral = parsedReferral({ request: { deadline: '2026-05-23' } });

      const result = triage(referral, TODAY);

      expect(result).toEqual({ urgency: 'routine', reasons: [] });
    });

    it('counts the 7 days across a month end', () => {
      const referral = parsedReferral({ request: { deadline: '2026-06-07' } }, '2026-05-31');

      expect(triage(referral, '2026-05-31').reasons).toEqual(['deadline_within_7_days']);
      expect(triage(referral, '2026-05-30').reasons).toEqual([]);
    });
  });

  describe('risk factors', () => {
    const URGENT: RiskFactor[] = [
      'pregnancy',
      'postpartum',
      'cancer',
      'suicidal_ideation',
      'tuberculosis',
      'recent_hospitalization',
      'medication_interrupted',
      'hunger_strike',
    ];

    it.each(URGENT)('marks a client with %s urgent', (factor) => {
      const referral = parsedReferral({ medical: { riskFactors: [factor] } });

      const result = triage(referral, TODAY);

      expect(result).toEqual({ urgency: 'urgent', reasons: [`risk:${factor}`] });
    });

    it('marks a pregnant client urgent', () => {
      const referral = parsedReferral({ medical: { riskFactors: ['pregnancy'] } });

      expect(triage(referral, TODAY)).toEqual({ urgency: 'urgent', reasons: ['risk:pregnancy'] });
    });

    it.each<RiskFactor>([
      'diabetes',
      'disability',
      'serious_mental_illness',
      'chronic_heart',
      'chronic_lung',
      'hiv',
      'liver',
      'kidney',
      'immunocompromised',
    ])('leaves a 36-year-old with only %s routine', (factor) => {
      const referral = parsedReferral({ medical: { riskFactors: [factor] } });

      const result = triage(referral, TODAY);

      expect(result).toEqual({ urgency: 'routine', reasons: [] });
    });

    it('leaves a 40-year-old with diabetes and a disability routine', () => {
      const referral = parsedReferral({ client: { dateOfBirth: '1986-01-10' }, medical: { riskFactors: ['diabetes', 'disability'] } });

      expect(triage(referral, TODAY)).toEqual({ urgency: 'routine', reasons: [] });
    });

    it("lists urgent factors in the API's order, whatever order they were submitted in", () => {
      const referral = parsedReferral({
        medical: { riskFactors: ['hunger_strike', 'tuberculosis', 'diabetes', 'pregnancy', 'medication_interrupted', 'cancer'] },
      });

      const result = triage(referral, TODAY);

      expect(result.reasons).toEqual([
        'risk:pregnancy',
        'risk:cancer',
        'risk:tuberculosis',
        'risk:medication_interrupted',
        'risk:hunger_strike',
      ]);
    });
  });

  describe('age 55 and over with a chronic condition', () => {
    const CHRONIC: RiskFactor[] = ['chronic_heart', 'chronic_lung', 'diabetes', 'hiv', 'liver', 'kidney', 'immunocompromised'];

    it.each(CHRONIC)('marks a 60-year-old with %s urgent', (factor) => {
      const referral = parsedReferral({ client: { dateOfBirth: '1966-01-20' }, medical: { riskFactors: [factor] } });

      const result = triage(referral, TODAY);

      expect(result).toEqual({ urgency: 'urgent', reasons: ['age_55_plus_chronic'] });
    });

    it('fires on the 55th birthday', () => {
      const referral = parsedReferral({ client: { dateOfBirth: '1971-05-15' }, medical: { riskFactors: ['diabetes'] } });

      expect(triage(referral, TODAY)).toEqual({ urgency: 'urgent', reasons: ['age_55_plus_chronic'] });
    });

    it('does not fire the day before the 55th birthday', () => {
      const referral = parsedReferral({ client: { dateOfBirth: '1971-05-16' }, medical: { riskFactors: ['diabetes'] } });

      expect(triage(referral, TODAY)).toEqual({ urgency: 'routine', reasons: [] });
    });

    it('does not fire for a 70-year-old without a chronic condition', () => {
      const referral = parsedReferral({
        client: { dateOfBirth: '1956-02-01' },
        medical: { riskFactors: ['disability', 'serious_mental_illness'] },
      });

      expect(triage(referral, TODAY)).toEqual({ urgency: 'routine', reasons: [] });
    });

    it('uses the age on the day given as today', () => {
      const referral = parsedReferral({ client: { dateOfBirth: '1971-05-16' }, medical: { riskFactors: ['kidney'] } });

      expect(triage(referral, '2026-05-16').reasons).toEqual(['age_55_plus_chronic']);
    });
  });

  describe('minors', () => {
    it('marks a client of 17 years and 364 days urgent as a minor', () => {
      const referral = parsedReferral({ client: { dateOfBirth: '2008-05-16' } });

      expect(triage(referral, TODAY)).toEqual({ urgency: 'urgent', reasons: ['minor'] });
    });

    it('does not treat a client on their 18th birthday as a minor', () => {
      const referral = parsedReferral({ client: { dateOfBirth: '2008-05-15' } });

      expect(triage(referral, TODAY)).toEqual({ urgency: 'routine', reasons: [] });
    });

    it('marks a baby born today a minor', () => {
      const referral = parsedReferral({ client: { dateOfBirth: TODAY } });

      expect(triage(referral, TODAY).reasons).toEqual(['minor']);
    });
  });

  describe('several rules at once', () => {
    it('lists every reason in the order of the rule table (adult)', () => {
      const referral = parsedReferral({
        client: { dateOfBirth: '1960-03-03' },
        medical: { attorneyUrgency: 'urgent', riskFactors: ['chronic_lung', 'recent_hospitalization', 'postpartum', 'suicidal_ideation'] },
        request: { deadline: '2026-05-20' },
      });

      const result = triage(referral, TODAY);

      expect(result).toEqual({
        urgency: 'urgent',
        reasons: [
          'attorney_marked_urgent',
          'deadline_within_7_days',
          'risk:postpartum',
          'risk:suicidal_ideation',
          'risk:recent_hospitalization',
          'age_55_plus_chronic',
        ],
      });
    });

    it('lists every reason in the order of the rule table (minor)', () => {
      const referral = parsedReferral({
        client: { dateOfBirth: '2010-09-01' },
        medical: { attorneyUrgency: 'urgent', riskFactors: ['tuberculosis'] },
        request: { deadline: TODAY },
      });

      const result = triage(referral, TODAY);

      expect(result.reasons).toEqual(['attorney_marked_urgent', 'deadline_within_7_days', 'risk:tuberculosis', 'minor']);
    });
  });
});
