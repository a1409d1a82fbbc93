import * as z from '../zod.js';

// Free-text rules shared by every schema (referral, roster, notes, offer declines); no phone numbers or codes here.

/** An error message that says "is required" when the field is missing and `message` otherwise. */
export const req = (message: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message);

/** Control characters (Unicode Cc: C0, DEL, C1) other than tab and newline (LF); a carriage return is one. */
const CONTROL = /[\0-\x08\x0B-\x1F\x7F-\x9F]/;
export const hasControlCharacters = (value: string): boolean => CONTROL.test(value);

/**
 * Free text typed by a person (names, notes, reasons): control characters other than newline and tab are
 * refused (checked before trimming, so a trailing one is not silently dropped), then trimmed and bounded.
 */
export const text = (min: number, max: number) =>
  z.string({ error: req('must be text') }).check(
    z.refine((s) => !hasControlCharacters(s), { error: 'must not contain control characters (only line breaks and tabs)', abort: true }),
    z.trim(),
    z.minLength(min, { error: min === 1 ? 'is required' : `must be at least ${min} characters` }),
    z.maxLength(max, { error: `must be at most ${max} characters` }),
  );
export const optionalText = (max: number) => z.optional(text(0, max));
