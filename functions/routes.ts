/**
 * Every HTTP route, once: API Gateway's resources and methods (infra/stateless-stack.ts), the local
 * server (local/runtime.ts) and the handlers that serve several routes (offers, staff) all read this
 * table. To add a route: a row here, its case in the handler and its declaration (what it takes and answers)
 * in the function's `contract.ts`, from which `GET /api/openapi.json` is generated (the compiler asks for both).
 * `function` is the folder under functions/; `auth` is `public`, `staff` (the staff user pool's Cognito
 * authorizer in AWS, the local authorizer locally; the staff handler checks the coordinators group) or
 * `external` (the attorneys' and doctors' user pool: its verified email says who is asking), or `party`
 * (a token of either pool: a coordinator, or an attorney or doctor by verified email; the use case then
 * decides whether they have a part in the case).
 */
export const ROUTES = [
  { method: 'GET', path: '/api/health', function: 'health', auth: 'public' },
  { method: 'GET', path: '/api/openapi.json', function: 'openapi', auth: 'public' },
  { method: 'POST', path: '/api/referrals', function: 'intake', auth: 'external' },
  { method: 'POST', path: '/api/referrals/{referralId}/outcome', function: 'outcome', auth: 'public' },
  { method: 'GET', path: '/api/attorney/referrals', function: 'portal', auth: 'external' },
  { method: 'GET', path: '/api/attorney/referrals/{id}', function: 'portal', auth: 'external' },
  { method: 'POST', path: '/api/attorney/referrals/{id}/outcome', function: 'outcome', auth: 'external' },
  { method: 'GET', path: '/api/doctor/cases', function: 'portal', auth: 'external' },
  { method: 'GET', path: '/api/doctor/cases/{id}', function: 'portal', auth: 'external' },
  { method: 'POST', path: '/api/offers/{offerId}', function: 'offers', auth: 'public' },
  { method: 'POST', path: '/api/offers/{offerId}/accept', function: 'offers', auth: 'public' },
  { method: 'POST', path: '/api/offers/{offerId}/decline', function: 'offers', auth: 'public' },
  { method: 'GET', path: '/api/staff/referrals', function: 'staff', auth: 'staff' },
  { method: 'GET', path: '/api/staff/referrals/{id}', function: 'staff', auth: 'staff' },
  { method: 'POST', path: '/api/staff/referrals/{id}/release', function: 'staff', auth: 'staff' },
  { method: 'POST', path: '/api/staff/referrals/{id}/close', function: 'staff', auth: 'staff' },
  { method: 'POST', path: '/api/staff/referrals/{id}/approve', function: 'staff', auth: 'staff' },
  { method: 'POST', path: '/api/staff/referrals/{id}/notes', function: 'staff', auth: 'staff' },
  { method: 'GET', path: '/api/staff/referrals.csv', function: 'staff', auth: 'staff' },
  { method: 'GET', path: '/api/staff/roster', function: 'staff', auth: 'staff' },
  { method: 'PUT', path: '/api/staff/roster', function: 'staff', auth: 'staff' },
  { method: 'GET', path: '/api/staff/clinics', function: 'staff', auth: 'staff' },
  { method: 'PUT', path: '/api/staff/clinics', function: 'staff', auth: 'staff' },
  { method: 'GET', path: '/api/staff/referrals/{id}/clinics', function: 'staff', auth: 'staff' },
  { method: 'POST', path: '/api/staff/referrals/{id}/handoff', function: 'staff', auth: 'staff' },
  { method: 'GET', path: '/api/staff/coverage', function: 'staff', auth: 'staff' },
  { method: 'GET', path: '/api/staff/metrics', function: 'staff', auth: 'staff' },
  { method: 'GET', path: '/api/staff/submitters', function: 'staff', auth: 'staff' },
  { method: 'POST', path: '/api/staff/submitters', function: 'staff', auth: 'staff' },
  { method: 'DELETE', path: '/api/staff/submitters/{entry}', function: 'staff', auth: 'staff' },
  { method: 'POST', path: '/api/cases/{referralId}/documents', function: 'documents', auth: 'party' },
  { method: 'GET', path: '/api/cases/{referralId}/documents', function: 'documents', auth: 'party' },
  { method: 'GET', path: '/api/cases/{referralId}/documents/{documentId}', function: 'documents', auth: 'party' },
] as const satisfies readonly Route[];

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `{name}` is one path segment, handed to the handler as `pathParameters.name`. */
  path: `/api/${string}`;
  function: string;
  auth: Auth;
}

/** Who may call a route: anyone, coordinators (staff pool), attorneys and doctors (the external pool), or either pool (`party`). */
export type Auth = 'public' | 'staff' | 'external' | 'party';

/** The functions that serve HTTP routes. */
export type HttpFunction = (typeof ROUTES)[number]['function'];

/** `POST /api/offers/{offerId}/accept`: how a handler that serves several routes tells them apart. */
export type RouteKey<F extends HttpFunction> = KeyOf<Extract<(typeof ROUTES)[number], { function: F }>>;
type KeyOf<R> = R extends Route ? `${R['method']} ${R['path']}` : never;

/** The route key of an API Gateway (REST v1) event: its method and resource template. */
export function routeKey(event: { httpMethod: string; resource: string }): string {
  return `${event.httpMethod} ${event.resource}`;
}

/** The path parameters of a route (`{offerId}` → `offerId`). */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}
