import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { UnauthorizedError } from './errors.js';

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
