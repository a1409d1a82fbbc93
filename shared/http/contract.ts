import * as z from '../zod.js';
import { STATUSES } from '../domain/types.js';

/**
 * What one route takes and answers, declared once beside its handler (`functions/<name>/contract.ts`) from
 * the zod schemas the handler itself parses with: the OpenAPI document (`GET /api/openapi.json`) is
 * generated from these declarations and the route table, never written by hand.
 */
export interface RouteContract {
  summary: string;
  /** Path parameters with a shape of their own; any other `{name}` of the path is a plain string. */
  params?: z.ZodMiniObject;
  /** Query parameters (an object schema: each property is one parameter). */
  query?: z.ZodMiniObject;
  /** The JSON body the route parses. Such a route may also answer 400, 413, 415 and 422 (the body's door). */
  body?: z.ZodMiniType;
  /** Success answers by status. */
  responses: Record<number, Answer>;
  /** The route's own error answers (problem+json) by status, each with when it happens. */
  errors?: Record<number, string>;
  /** The security schemes the route requires, when not the ones of its `auth` (a doctor's route of the external pool). */
  security?: string[];
  /** A header the route reads. */
  headers?: Record<string, { description: string; schema: z.ZodMiniType }>;
}

export interface Answer {
  description: string;
  /** A JSON body; absent for an empty answer (204). */
  schema?: z.ZodMiniType;
  /** Another media type than JSON (a CSV download), with its body as a string. */
  mediaType?: string;
  headers?: Record<string, string>;
}

/** The `RouteContract` of each route key of a function (`POST /api/offers/{offerId}/accept`). */
export type Contracts<K extends string> = Record<K, RouteContract>;

/** An RFC 9457 problem, as every error answers (`shared/http/middleware.ts`). */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.optional(z.string()),
  errors: z.optional(z.array(z.strictObject({ path: z.string(), message: z.string() }))),
});
export type Problem = z.output<typeof Problem>;

export const Status = z.enum(STATUSES);
export const Urgency = z.enum(['urgent', 'routine']);
export const instant = z.iso.datetime();
export const calendarDate = z.iso.date();
export const referralId = z.string().check(z.regex(/^MR-[0-9A-HJKMNP-TV-Z]{8}$/));
