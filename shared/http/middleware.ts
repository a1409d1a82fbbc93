import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { BadRequestError, HttpError, PayloadTooLargeError, UnsupportedMediaTypeError, UnprocessableError } from './errors.js';
import { isUnavailable, problemFor } from './problem.js';
import { logger } from '../logger.js';

type Middleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;

export const SECURITY_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

/** A JSON response with the security headers. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...SECURITY_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

/** Lower-cases header names, so `Idempotency-Key` and `idempotency-key` read the same. */
export function lowerCaseHeaders(): Middleware {
  return {
    before: (request) => {
      const headers = request.event.headers ?? {};
      request.event.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    },
  };
}

/**
 * Enforces `Content-Type: application/json` (415) and a size limit (413), then parses the body (400).
 * The parsed value replaces `event.body` as `event.parsedBody`. With `optional`, a request without a body
 * (an action such as `approve`, a DELETE) passes with no parsed body; the route's schema decides.
 */
export function jsonBody({ maxBytes = 64 * 1024, optional = false }: { maxBytes?: number; optional?: boolean } = {}): Middleware {
  return {
    before: (request) => {
      const { event } = request;
      if (event.httpMethod === 'GET' || event.httpMethod === 'HEAD') return;
      if (optional && !event.body) return;
      const type = (event.headers?.['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json') throw new UnsupportedMediaTypeError();
      const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8');
      if (raw.byteLength > maxBytes) throw new PayloadTooLargeError(maxBytes);
      try {
        (event as ParsedEvent).parsedBody = JSON.parse(raw.toString('utf8'));
      } catch (cause) {
        throw new BadRequestError('the body is not valid JSON', { cause });
      }
    },
  };
}

export type ParsedEvent = APIGatewayProxyEvent & { parsedBody?: unknown };

/**
 * Turns every error into `application/problem+json`: domain errors by the table in `problem.ts`, the door's own
 * (`HttpError`: 400, 401, 403, 413, 415, 422) by their status; an AWS service throttling or unavailable past the
 * SDK's retries (`isUnavailable`) becomes a 503 with `Retry-After`; anything else a 500 that reveals nothing.
 */
export function problemJson(): Middleware {
  return {
    onError: async (request) => {
      const error = request.error;
      const domain = problemFor(error);
      if (domain) {
        const errors = (error as { errors?: unknown }).errors;
        const body = {
          type: 'about:blank',
          title: domain.title,
          status: domain.status,
          detail: (error as Error).message,
          ...(errors ? { errors } : {}),
        };
        // 503: contention decided nothing (never "taken" or "closed"); the client may try again at once
        const retry: Record<string, string> = domain.status === 503 ? { 'Retry-After': '1' } : {};
        request.response = json(domain.status, body, { 'Content-Type': 'application/problem+json', ...retry });
        return;
      }
      if (error instanceof HttpError) {
        const body: Record<string, unknown> = { type: 'about:blank', title: error.title, status: error.status };
        if (error.detail) body.detail = error.detail;
        if (error instanceof UnprocessableError && error.errors) body.errors = error.errors;
        request.response = json(error.status, body, { 'Content-Type': 'application/problem+json' });
        return;
      }
      // the name and status only: an SDK message can quote an item's values
      const e = error as (Error & { $metadata?: { httpStatusCode?: number } }) | undefined;
      if (isUnavailable(error)) {
        await logger.warn('service unavailable', { errorName: e?.name, httpStatusCode: e?.$metadata?.httpStatusCode });
        request.response = json(
          503,
          {
            type: 'about:blank',
            title: 'Service Unavailable',
            status: 503,
            detail: 'a service this request needs is busy; retry (with the same Idempotency-Key) after Retry-After seconds',
          },
          { 'Content-Type': 'application/problem+json', 'Retry-After': '1' },
        );
        return;
      }
      await logger.error('unhandled error', { errorName: e?.name, httpStatusCode: e?.$metadata?.httpStatusCode });
      request.response = json(
        500,
        { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'nothing was lost; please retry' },
        { 'Content-Type': 'application/problem+json' },
      );
    },
  };
}
