import * as z from 'zod';

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
  z
    .string({ error: req('must be text') })
    .refine((s) => !hasControlCharacters(s), { error: 'must not contain control characters (only line breaks and tabs)', abort: true })
    .trim()
    .min(min, { error: min === 1 ? 'is required' : `must be at least ${min} characters` })
    .max(max, { error: `must be at most ${max} characters` });
export const optionalText = (max: number) => text(0, max).optional();
