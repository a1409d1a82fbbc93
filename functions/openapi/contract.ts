import * as z from '../../shared/zod.js';
import type { Contracts } from '../../shared/http/contract.js';
import type { RouteKey } from '../routes.js';

export const contract = (): Contracts<RouteKey<'openapi'>> => ({
  'GET /api/openapi.json': {
    summary: 'This document: the OpenAPI 3.1 description of every route',
    responses: {
      200: {
        description: 'the OpenAPI document',
        schema: z.looseObject({ openapi: z.string().check(z.regex(/^3\.1\./)), paths: z.record(z.string(), z.unknown()) }),
      },
    },
  },
});
