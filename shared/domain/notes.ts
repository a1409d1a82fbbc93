import { z } from 'zod';

/** C0 and C1 control characters and DEL, except tab and newline. */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/** A coordinator's note on a case: 1..4000 characters, not only spaces, no control characters but newline and tab. */
export const noteText = z.string({ error: 'is required' })
  .max(4000, { error: 'must be at most 4000 characters' })
  .refine((t) => t.trim().length > 0, { error: 'must not be empty' })
  .refine((t) => !CONTROL.test(t), { error: 'must not contain control characters other than newline and tab' });

/** `POST /api/staff/referrals/{id}/notes` */
export const NoteBody = z.strictObject({ text: noteText });
