import { describe, expect, it } from 'vitest';
import { eventText, fact, foldViews, formatANumber, type TimelineEvent } from '../../web/console/case-format.js';

const at = (minutes: number) => new Date(Date.parse('2026-05-15T17:00:00Z') + minutes * 60_000).toISOString();
const viewed = (minutes: number, actor = 'staff:ana@program.org'): TimelineEvent => ({ at: at(minutes), event: 'viewed', actor });

describe('the case file in words', () => {
  it('formats the A-number as on the notice', () => {
    expect(formatANumber('438201403')).toBe('A-438-201-403');
    expect(formatANumber('38201403')).toBe('A-038-201-403');
  });

  it('labels fields in words, with language, country and state names and yes or no', () => {
    expect(fact('aNumber', '438201403')).toEqual({ label: 'A-number', value: 'A-438-201-403' });
    expect(fact('language', 'quc')).toEqual({ label: 'Language', value: "K'iche'" });
    expect(fact('language', 'es')).toEqual({ label: 'Language', value: 'Spanish' });
    expect(fact('countryOfBirth', 'HN')).toEqual({ label: 'Country of birth', value: 'Honduras' });
    expect(fact('facilityState', 'TX')).toEqual({ label: 'Facility state', value: 'Texas' });
    expect(fact('g28Filed', true)).toEqual({ label: 'G-28 filed', value: 'yes' });
    expect(fact('interpreterNeeded', false)).toEqual({ label: 'Interpreter needed', value: 'no' });
    expect(fact('riskFactors', ['pregnancy', 'chronic_heart'])).toEqual({ label: 'Risk factors', value: 'pregnancy, chronic heart' });
    expect(fact('patientLanguage', 'mam')).toEqual({ label: "Patient's language", value: 'Mam' });
    expect(fact('someNewField', 'x')).toEqual({ label: 'Some New Field', value: 'x' });
  });
});

describe('the timeline', () => {
  it('folds views by the same person within an hour of the first into one entry, keeping every other event in place', () => {
    const events: TimelineEvent[] = [
      { at: at(0), event: 'received', details: { urgency: 'urgent' } },
      viewed(1),
      { at: at(2), event: 'note', actor: 'staff:ana@program.org', details: { text: 'Called' } },
      viewed(3),
      viewed(4, 'staff:ben@program.org'),
      viewed(59),
      viewed(61),
    ];
    const folded = foldViews(events);
    expect(folded.map((e) => [e.event, e.actor ?? '', e.views?.count ?? 0])).toEqual([
      ['received', '', 0],
      ['viewed', 'staff:ana@program.org', 3],
      ['note', 'staff:ana@program.org', 0],
      ['viewed', 'staff:ben@program.org', 1],
      ['viewed', 'staff:ana@program.org', 1],
    ]);
    expect(folded[1].views?.last).toBe(at(59));
    expect(eventText(folded[1], {})).toBe('Viewed by ana@program.org (3 times within the hour)');
    expect(eventText(folded[3], {})).toBe('Viewed by ben@program.org');
  });

  it('names the doctor of each page, reply, accept and decline', () => {
    const doctors = { 'd-ana': 'Dr. Ana Ruiz' };
    const text = (e: TimelineEvent) => eventText(e, doctors);
    expect(text({ at: at(0), event: 'paged', actor: 'doctor:d-ana', details: { wave: 1, sms: 'sent', email: 'skipped' } })).toBe(
      'Paged Dr. Ana Ruiz (wave 1): SMS sent, email not sent (channel unusable)',
    );
    expect(text({ at: at(1), event: 'declined', actor: 'doctor:d-ana', details: { wave: 1 } })).toBe('Dr. Ana Ruiz declined (wave 1)');
    expect(text({ at: at(1), event: 'accepted', actor: 'doctor:d-bo', details: { wave: 2 } })).toBe('d-bo accepted (wave 2)');
    expect(text({ at: at(2), event: 'replied', actor: 'doctor:d-ana', details: { reply: 'yes', result: 'taken', wave: 1 } })).toBe(
      'Dr. Ana Ruiz replied YES by SMS: the case was already taken',
    );
    expect(text({ at: at(3), event: 'introduced', details: { doctorId: 'd-ana' } })).toBe(
      'Introduction sent to Dr. Ana Ruiz and the attorney',
    );
  });
});
