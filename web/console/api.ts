import { problemErrors } from '../src/lib/api.js';

export interface FieldProblem {
  path: string;
  message: string;
}

/** An API answer other than 2xx, said in plain words; `errors` names each bad field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldProblem[] = [],
  ) {
    super(message);
  }
}

let bearer: () => string | undefined = () => undefined;
let onExpired: () => void = () => undefined;

/** How requests are signed, and what happens when the sign-in has expired (401). */
export function useBearer(token: () => string | undefined, expired: () => void): void {
  bearer = token;
  onExpired = expired;
}

/** Calls the staff API with the ID token; returns the JSON body (or null for 204). */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await request(method, path, body);
  if (res.status === 204) return null as T;
  return (await res.json()) as T;
}

/** The raw response of a staff API call that answered 2xx (for CSV). */
export async function request(method: string, path: string, body?: unknown): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        Authorization: `Bearer ${bearer() ?? ''}`,
        Accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    throw new ApiError(0, 'The server could not be reached. Check the connection and try again; nothing was changed.');
  }
  if (res.ok) return res;
  const problem = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  const detail = typeof problem.detail === 'string' ? problem.detail : '';
  const errors = problemErrors(problem);
  if (res.status === 401) onExpired();
  throw new ApiError(res.status, plainWords(res.status, detail), errors);
}

function plainWords(status: number, detail: string): string {
  const why = detail ? ` (${detail})` : '';
  switch (status) {
    case 401:
      return 'Your sign-in has ended. Sign in again; nothing was changed.';
    case 403:
      return 'Your account is not allowed to do this: it needs the coordinators group.';
    case 404:
      return `Not found${why}. It may not exist, or this server does not offer it yet.`;
    case 409:
      return `Not possible in the case's current state${why}. Nothing was changed; reload to see the latest.`;
    case 413:
      return 'That is too large to send.';
    case 422:
      return `Some entries need attention${why}. Nothing was changed.`;
    case 429:
      return 'Too many requests just now. Wait a moment and try again.';
    default:
      return status >= 500
        ? `The server had a problem (${status}). Try again in a moment; if it keeps happening, tell the on-call engineer.`
        : `The request was refused (${status})${why}.`;
  }
}
