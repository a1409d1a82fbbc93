import * as z from '../zod.js';
import { fieldErrors } from '../domain/field-errors.js';
import { UnprocessableError } from './errors.js';

/** A link token as posted by the offer and outcome pages (read from the link's fragment). */
export const linkToken = z.string({ error: 'is required' }).check(z.minLength(1), z.maxLength(200));

/** Validates a parsed body against a schema: 422 naming every bad field, never echoing a value. */
export function validBody<S extends z.ZodMiniType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new UnprocessableError('some fields are missing or invalid', fieldErrors(parsed.error));
  return parsed.data;
}

/** Validates query parameters against a schema: 422 naming every bad parameter, never echoing a value. */
export function validQuery<S extends z.ZodMiniType>(schema: S, query: Record<string, string | undefined> | null): z.output<S> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) throw new UnprocessableError('some query parameters are missing or invalid', fieldErrors(parsed.error));
  return parsed.data;
}
