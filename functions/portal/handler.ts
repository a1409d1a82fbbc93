import middy from '@middy/core';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { wire } from '../../shared/deps.js';
import { validQuery } from '../../shared/http/body.js';
import { NotFoundError } from '../../shared/http/errors.js';
import { requireSignIn, signedInEmail } from '../../shared/http/identity.js';
import { json, lowerCaseHeaders, problemJson, type ParsedEvent } from '../../shared/http/middleware.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { listMyCases, myCase, PortalListQuery } from '../../shared/usecases/portal.js';
import { routeKey, type RouteKey } from '../routes.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore });

type Action = (event: ParsedEvent, email: string) => Promise<APIGatewayProxyResult>;

const list =
  (role: 'attorney' | 'doctor'): Action =>
  async (event, email) =>
    json(200, await listMyCases(role, email, validQuery(PortalListQuery, event.queryStringParameters), deps()));
const one =
  (role: 'attorney' | 'doctor'): Action =>
  async (event, email) =>
    json(200, await myCase(role, event.pathParameters?.id ?? '', email, deps()));

/** One entry per route of the portal in the route table (functions/routes.ts). */
const actions: Record<RouteKey<'portal'>, Action> = {
  'GET /api/attorney/referrals': list('attorney'),
  'GET /api/attorney/referrals/{id}': one('attorney'),
  'GET /api/doctor/cases': list('doctor'),
  'GET /api/doctor/cases/{id}': one('doctor'),
};

/** The attorney's and the doctor's pages, signed in with the external pool: its verified email says who asks. */
export async function lambdaHandler(event: ParsedEvent) {
  const action = actions[routeKey(event) as RouteKey<'portal'>];
  if (!action) throw new NotFoundError('no such route');
  return action(event, signedInEmail(event)!);
}

export const handler = middy(lambdaHandler).use(lowerCaseHeaders()).use(problemJson()).use(requireSignIn());
