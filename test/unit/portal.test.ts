import { describe, expect, it } from 'vitest';
import { publicEvents } from '../../shared/usecases/portal.js';
import { contentTypeOf, refusal } from '../../web/portal/upload.js';

describe("the people's pages", () => {
  it('show a party only the public events, renamed, with the outcome and nothing of who did what', () => {
    const at = '2026-05-15T17:00:00.000Z';
    expect(
      publicEvents([
        { at, event: 'received', details: { urgency: 'urgent' } },
        { at, event: 'paged', actor: 'doctor:d-ana' },
        { at, event: 'held', details: { reason: 'new_submitter' } },
        { at, event: 'accepted', actor: 'doctor:d-ana', details: { wave: 1 } },
        { at, event: 'viewed', actor: 'staff:lee@example.org' },
        { at, event: 'note', actor: 'staff:lee@example.org', details: { text: 'called the facility' } },
        { at, event: 'document_added', actor: 'attorney', details: { documentId: 'doc-1' } },
        { at, event: 'released', actor: 'attorney' },
        { at, event: 'outcome_reported', actor: 'attorney', details: { outcome: 'parole_denied' } },
        { at, event: 'closed', actor: 'staff:lee@example.org', details: { outcome: 'withdrawn' } },
      ]),
    ).toEqual([
      { at, event: 'received' },
      { at, event: 'doctor_assigned' },
      { at, event: 'document_added' },
      { at, event: 'released' },
      { at, event: 'outcome', outcome: 'parole_denied' },
      { at, event: 'outcome', outcome: 'withdrawn' },
    ]);
  });

  it('read what storage answers to a refused upload: too big, empty, expired, anything else', () => {
    const error = (code: string, message = 'x') => `<?xml version="1.0"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
    expect(refusal(error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'))).toBe('too_big');
    expect(refusal(error('EntityTooSmall'))).toBe('too_small');
    expect(refusal(error('AccessDenied', 'Invalid according to Policy: Policy expired.'))).toBe('expired');
    expect(refusal(error('AccessDenied', 'Invalid according to Policy: Policy Condition failed'))).toBe('refused');
    expect(refusal('not xml')).toBe('refused');
  });

  it('name the content type of a file from the browser, or from its extension when the browser gives none we take', () => {
    expect(contentTypeOf({ name: 'records.pdf', type: 'application/pdf' })).toBe('application/pdf');
    expect(contentTypeOf({ name: 'IMG_0001.HEIC', type: '' })).toBe('image/heic');
    expect(contentTypeOf({ name: 'scan.jpeg', type: 'application/octet-stream' })).toBe('image/jpeg');
    expect(
      contentTypeOf({ name: 'letter.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }),
    ).toBeUndefined();
    expect(contentTypeOf({ name: 'notes', type: 'text/plain' })).toBeUndefined();
  });
});
