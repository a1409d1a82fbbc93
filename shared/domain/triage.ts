import { addDays, ageOn } from './dates.js';
import type { Referral, RiskFactor } from './referral.js';

export type Urgency = 'urgent' | 'routine';
export interface Triage {
  urgency: Urgency;
  reasons: string[];
}

const URGENT_RISKS: RiskFactor[] = [
  'pregnancy',
  'postpartum',
  'cancer',
  'suicidal_ideation',
  'tuberculosis',
  'recent_hospitalization',
  'medication_interrupted',
  'hunger_strike',
];
const CHRONIC: RiskFactor[] = ['chronic_heart', 'chronic_lung', 'diabetes', 'hiv', 'liver', 'kidney', 'immunocompromised'];

interface Rule {
  /** Reasons this rule gives for a referral (empty when it does not fire). */
  fire(r: Referral, today: string): string[];
}

/** The triage rule table, in the order reasons are reported. */
export const TRIAGE_RULES: Rule[] = [
  { fire: (r) => (r.medical.attorneyUrgency === 'urgent' ? ['attorney_marked_urgent'] : []) },
  { fire: (r, today) => (r.request.deadline && r.request.deadline <= addDays(today, 7) ? ['deadline_within_7_days'] : []) },
  { fire: (r) => URGENT_RISKS.filter((f) => r.medical.riskFactors.includes(f)).map((f) => `risk:${f}`) },
  {
    fire: (r, today) =>
      ageOn(r.client.dateOfBirth, today) >= 55 && CHRONIC.some((f) => r.medical.riskFactors.includes(f)) ? ['age_55_plus_chronic'] : [],
  },
  { fire: (r, today) => (ageOn(r.client.dateOfBirth, today) < 18 ? ['minor'] : []) },
];

/** Urgent when any rule fires; `today` is the program's calendar date. */
export function triage(referral: Referral, today: string): Triage {
  const reasons = TRIAGE_RULES.flatMap((rule) => rule.fire(referral, today));
  return { urgency: reasons.length > 0 ? 'urgent' : 'routine', reasons };
}
