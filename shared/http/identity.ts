import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Caller } from '../usecases/parties.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';

/**
 * The verified email of the external pool's ID token the authorizer accepted (API Gateway's Cognito
 * authorizer in AWS, the local one locally), lower-cased; undefined without one. Claims arrive as strings.
 */
export function signedInEmail(event: APIGatewayProxyEvent): string | undefined {
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  const email = typeof claims?.email === 'string' ? claims.email.trim().toLowerCase() : '';
  const verified = claims?.email_verified === true || claims?.email_verified === 'true';
  return email && verified ? email : undefined;
}

/** 401 for a request without a signed-in, verified email, before anything reads its body. */
export function requireSignIn(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: ({ event }) => {
      if (!signedInEmail(event)) throw new UnauthorizedError('sign in first: a valid attorney ID token is required');
    },
  };
}

/**
 * Who calls a `party` route (a token of either pool): a coordinator (the staff pool's `coordinators`
 * group; the external pool has no groups), else an attorney or doctor by the verified email. 401 without
 * either; 403 for a staff token without the group.
 */
export function partyCaller(event: APIGatewayProxyEvent): Caller {
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  const raw = claims?.['cognito:groups'] ?? '';
  const groups = Array.isArray(raw)
    ? raw.map(String)
    : String(raw)
        .replace(/[[\]]/g, '')
        .split(/[,\s]+/)
        .filter(Boolean);
  if (groups.includes('coordinators')) return { kind: 'staff', by: `staff:${claims?.email || claims?.sub}` };
  if (groups.length) throw new ForbiddenError('this needs the coordinators group');
  const email = signedInEmail(event);
  if (!email) throw new UnauthorizedError('sign in first: a valid ID token is required');
  return { kind: 'external', email };
}
