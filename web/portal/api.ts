/** Calls to the API as the signed-in person; the answer's status and JSON body (status 0: no answer). */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

let bearer: () => Promise<string | undefined> = async () => undefined;
let onExpired: () => void = () => undefined;

/** How requests are signed, and what a 401 (the sign-in has ended) does. */
export function useBearer(token: () => Promise<string | undefined>, expired: () => void): void {
  bearer = token;
  onExpired = expired;
}

export async function api<T = Record<string, unknown>>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer<T>> {
  const token = await bearer();
  if (!token) {
    onExpired();
    return { status: 401, body: {} as T };
  }
  try {
    const res = await fetch(path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status === 401) onExpired();
    const data: unknown = await res.json().catch(() => ({}));
    return { status: res.status, body: (typeof data === 'object' && data !== null ? data : {}) as T };
  } catch {
    return { status: 0, body: {} as T };
  }
}
