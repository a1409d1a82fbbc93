import * as z from '../../shared/zod.js';
import type { Contracts } from '../../shared/http/contract.js';
import type { RouteKey } from '../routes.js';

export const contract = (): Contracts<RouteKey<'health'>> => ({
  'GET /api/health': {
    summary: 'Liveness check',
    responses: { 200: { description: 'the API answers', schema: z.strictObject({ status: z.literal('ok') }) } },
  },
});
