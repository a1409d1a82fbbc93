import { describe, expect, it } from 'vitest';
import {
  checkInReply,
  checkInSms,
  clinicIntroEmail,
  displayPhone,
  handoffSms,
  PATIENT_LANGUAGES,
  SEGMENT_BUDGET,
} from '../../shared/domain/care-messages.js';
import { checkInAnswer, checkInPlan, parseCheckInStep, previousAsk } from '../../shared/domain/check-ins.js';
import { smsEncoding, smsSegments } from '../../shared/domain/sms-segments.js';
import { demoClinics } from '../../local/demo-clinics.js';
import { clinicEntry } from '../fixtures/clinic.js';
import type { Clinic } from '../../shared/domain/clinics.js';

/** The demo directory and a clinic with long but ordinary details (the budget's worst case). */
const CLINICS: Clinic[] = [
  ...(demoClinics().clinics as Clinic[]),
  clinicEntry({
    name: 'Allston-Brighton Community Health Collaborative', // 47 characters
    address: { line1: '1234 Commonwealth Avenue, Suite 200', city: 'North Brighton', state: 'MA', zip: '02135' },
    hours: 'Mon-Thu 8:00-20:00, Fri 8:00-17:00, Sat 9-13',
  }),
];

describe('SMS segments', () => {
  it('counts GSM-7 at 160 for one segment and 153 per segment of several', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2 });
    expect(smsSegments('a'.repeat(306))).toEqual({ encoding: 'GSM-7', segments: 2 });
    expect(smsSegments('a'.repeat(307))).toEqual({ encoding: 'GSM-7', segments: 3 });
  });

  it('counts an extension character (€ [ ] { } ~ ^ | \\) as two septets, never split across segments', () => {
    expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(smsSegments(`${'a'.repeat(159)}€`)).toEqual({ encoding: 'GSM-7', segments: 2 });
    // 152 septets, then a 2-septet character: it starts the second segment
    expect(smsSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments).toBe(3);
  });

  it('switches to UCS-2 for any character outside GSM-7: 70 in one segment, 67 per segment of several', () => {
    expect(smsEncoding('Llame a la clínica')).toBe('UCS-2');
    expect(smsEncoding('Répondez à la clinique')).toBe('GSM-7'); // é and à are in GSM-7
    expect(smsSegments('í'.repeat(70))).toEqual({ encoding: 'UCS-2', segments: 1 });
    expect(smsSegments('í'.repeat(71))).toEqual({ encoding: 'UCS-2', segments: 2 });
    expect(smsSegments('í'.repeat(134))).toEqual({ encoding: 'UCS-2', segments: 2 });
    expect(smsSegments('í'.repeat(135))).toEqual({ encoding: 'UCS-2', segments: 3 });
    // an emoji is two code units, never split: 134 units take three segments, not two
    expect(smsSegments(`${'í'.repeat(66)}😀${'í'.repeat(66)}`).segments).toBe(3);
  });
});

describe('patient SMS templates', () => {
  for (const language of PATIENT_LANGUAGES) {
    it(`renders every template in ${language} within the budget (handoff ≤ ${SEGMENT_BUDGET.handoff}, check-in ≤ ${SEGMENT_BUDGET.checkIn}, reply ≤ ${SEGMENT_BUDGET.reply} segments)`, () => {
      for (const clinic of CLINICS) {
        const { text, fallback } = handoffSms(language, clinic);
        expect(fallback).toBe(false);
        expect(smsSegments(text).segments, `${language} handoff, ${clinic.name}`).toBeLessThanOrEqual(SEGMENT_BUDGET.handoff);
        expect(text).toContain(clinic.name);
        expect(text).toContain(clinic.address.zip);
        expect(text).toContain(displayPhone(clinic.phone));
        if (clinic.hours) expect(text).toContain(clinic.hours);
        expect(text).toContain('STOP');
      }
      expect(smsSegments(checkInSms(language)).segments).toBeLessThanOrEqual(SEGMENT_BUDGET.checkIn);
      expect(checkInSms(language)).toMatch(/1.*2.*STOP/s);
      for (const answer of ['1', '2'] as const)
        expect(smsSegments(checkInReply(language, answer)).segments).toBeLessThanOrEqual(SEGMENT_BUDGET.reply);
    });
  }

  it('uses the primary subtag (es-MX is Spanish) and falls back to English for other languages', () => {
    expect(handoffSms('es-MX', CLINICS[0]!)).toMatchObject({ fallback: false, text: expect.stringMatching(/^medreview: Su clínica/) });
    expect(handoffSms('quc', CLINICS[0]!)).toMatchObject({ fallback: true, text: expect.stringMatching(/^medreview: Your clinic/) });
    expect(checkInSms('mam')).toBe(checkInSms('en'));
  });

  it('carries nothing of the patient: only the clinic and the program', () => {
    const rendered = PATIENT_LANGUAGES.flatMap((l) => [
      handoffSms(l, CLINICS[0]!).text,
      checkInSms(l),
      checkInReply(l, '1'),
      checkInReply(l, '2'),
    ]);
    for (const text of rendered) expect(text).not.toMatch(/MR-|A-?number|\d{9}|detention|ICE/i);
  });
});

describe('the clinic email', () => {
  it('introduces the referral by id, with no PHI in the subject and no documents', () => {
    const email = clinicIntroEmail({ referralId: 'MR-7K3M9QXT', clinicName: 'Riverside', coordinators: ['lee@example.org'] });
    expect(email.subject).toBe('New patient referral MR-7K3M9QXT from medreview');
    expect(email.text).toContain('Shared documents: none');
    expect(email.text).toContain('lee@example.org');
  });
});

describe('check-ins', () => {
  it('are planned at 09:00 Chicago time on days 3, 10 and 30 after the handoff, then a last look at day 33', () => {
    const plan = checkInPlan(new Date('2026-11-02T20:00:00Z'), 2, 'America/Chicago');
    expect(plan).toEqual([
      { step: 'checkin_day3_h2', ask: true, dueAt: '2026-11-05T15:00:00.000Z' },
      { step: 'checkin_day10_h2', ask: true, dueAt: '2026-11-12T15:00:00.000Z' },
      { step: 'checkin_day30_h2', ask: true, dueAt: '2026-12-02T15:00:00.000Z' },
      { step: 'checkin_day33_h2', ask: false, dueAt: '2026-12-05T15:00:00.000Z' },
    ]);
    expect(parseCheckInStep('checkin_day10_h2')).toEqual({ day: 10, handoff: 2, ask: true });
    expect(parseCheckInStep('day3_patient')).toBeUndefined();
    expect(parseCheckInStep('checkin_day4_h1')).toBeUndefined();
    expect(previousAsk('checkin_day3_h1')).toBeUndefined();
    expect(previousAsk('checkin_day10_h1')).toBe('checkin_day3_h1');
    expect(previousAsk('checkin_day33_h1')).toBe('checkin_day30_h1');
  });

  it('reads 1 and 2 as answers, with spaces or a full stop, and nothing else', () => {
    expect(['1', ' 2 ', '1.', '2!'].map(checkInAnswer)).toEqual(['1', '2', '1', '2']);
    expect(['12', 'one', '3', 'YES 1234', ''].map(checkInAnswer)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
