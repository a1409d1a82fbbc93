import * as z from '../../shared/zod.js';
import { Problem, type RouteContract } from '../../shared/http/contract.js';
import { contract as documents } from '../documents/contract.js';
import { contract as health } from '../health/contract.js';
import { contract as intake } from '../intake/contract.js';
import { contract as offers } from '../offers/contract.js';
import { contract as outcome } from '../outcome/contract.js';
import { contract as portal } from '../portal/contract.js';
import { contract as openapi } from './contract.js';
import { contract as staff } from '../staff/contract.js';
import { pathParameters, ROUTES, type Route } from '../routes.js';

type RouteKeyOf<R> = R extends Route ? `${R['method']} ${R['path']}` : never;
type AnyRouteKey = RouteKeyOf<(typeof ROUTES)[number]>;

/** Every route's declaration: the compiler asks for one per row of the route table. */
export const contracts = (): Record<AnyRouteKey, RouteContract> => ({
  ...health(),
  ...intake(),
  ...offers(),
  ...outcome(),
  ...portal(),
  ...openapi(),
  ...staff(),
  ...documents(),
});

type JsonSchema = Record<string, unknown>;

/** How each kind of route table `auth` is secured: the security schemes it requires and the errors of its door. */
export const AUTH: Record<Route['auth'], { security: string[]; errors: Record<number, string> }> = {
  public: { security: [], errors: {} },
  staff: {
    security: ['staff'],
    errors: { 401: 'no or bad bearer token', 403: 'the token lacks the coordinators group' },
  },
  external: { security: ['attorney'], errors: { 401: 'no, bad or expired attorney ID token (checked before the body is read)' } },
  party: {
    security: ['staff', 'attorney'],
    errors: { 401: 'no, bad or expired ID token of either pool', 403: 'a staff token without the coordinators group' },
  },
};

const SECURITY_SCHEMES = {
  staff: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      "An ID token of the staff user pool (Cognito in AWS, the local OpenID Connect provider locally) with the 'coordinators' group",
  },
  attorney: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An ID token of the external (attorney and doctor) user pool for a verified email address',
  },
  doctor: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "An ID token of the external user pool whose verified email is a roster doctor's",
  },
};

/** The errors of a route with a JSON body, answered before the handler's schema decides. */
const BODY_ERRORS: Record<number, string> = {
  400: 'the body is not valid JSON',
  413: 'the body is too large',
  415: 'Content-Type is not application/json',
  422: 'a field is missing or invalid: errors[] names each one, never its value',
};

/**
 * JSON Schema (2020-12, OpenAPI 3.1's dialect) of a zod schema: `input` for what a client sends, `output`
 * for what the API answers. A normalizing transform (a phone to E.164, an email lower-cased) answers a
 * string of its input's shape, so its output is described by its input.
 */
export function jsonSchema(schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...out } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override(ctx) {
      const def = ctx.zodSchema._zod.def as { type: string; in?: z.ZodMiniType; out?: { _zod: { def: { type: string } } } };
      if (io === 'output' && def.type === 'pipe' && def.out?._zod.def.type === 'transform' && def.in) {
        Object.assign(ctx.jsonSchema, jsonSchema(def.in, 'input'));
      }
    },
  }) as JsonSchema;
  return out;
}

const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

function operation(route: Route, c: RouteContract) {
  const params = c.params ? (jsonSchema(c.params, 'input').properties as Record<string, JsonSchema>) : {};
  const parameters: unknown[] = pathParameters(route.path).map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: params[name] ?? { type: 'string' },
  }));
  if (c.query) {
    const query = jsonSchema(c.query, 'input') as { properties: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties)) {
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
    }
  }
  for (const [name, header] of Object.entries(c.headers ?? {})) {
    parameters.push({ name, in: 'header', required: false, description: header.description, schema: jsonSchema(header.schema, 'input') });
  }
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(c.responses)) {
    responses[status] = {
      description: answer.description,
      ...(answer.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(answer.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }]),
            ),
          }
        : {}),
      ...(answer.schema
        ? { content: { 'application/json': { schema: jsonSchema(answer.schema, 'output') } } }
        : answer.mediaType
          ? { content: { [answer.mediaType]: { schema: { type: 'string' } } } }
          : {}),
    };
  }
  const errors = {
    ...(c.body || c.query ? { 422: BODY_ERRORS[422] } : {}),
    ...(c.body ? BODY_ERRORS : {}),
    ...AUTH[route.auth].errors,
    ...c.errors,
    500: 'an unexpected failure; nothing accepted was lost, retry',
    503: 'AWS throttled or failed for a moment and nothing was decided: retry after Retry-After (with the same Idempotency-Key)',
  };
  for (const [status, description] of Object.entries(errors)) {
    responses[status] = {
      description,
      ...(status === '503' ? { headers: { 'Retry-After': { description: 'seconds', schema: { type: 'string' } } } } : {}),
      content: problemContent,
    };
  }
  const security = c.security ?? AUTH[route.auth].security;
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ?? '').toUpperCase())}`,
    summary: c.summary,
    tags: [route.function],
    ...(security.length ? { security: security.map((s) => ({ [s]: [] })) } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(c.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(c.body, 'input') } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of every route of the route table, from the declarations beside the handlers. */
export function openApiDocument() {
  const all = contracts();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTES) {
    const c = all[`${route.method} ${route.path}` as AnyRouteKey];
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, c);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'medreview',
      version: '1',
      description:
        'Pages volunteer doctors for detained immigrants with urgent health needs. Every error is application/problem+json ' +
        '(RFC 9457) and names the bad field, never the value sent. See docs/api.md for the rules behind each field.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: { schemas: { Problem: jsonSchema(Problem, 'output') }, securitySchemes: SECURITY_SCHEMES },
  };
}
