/** The answer to a POST: `status` 0 means the request never got an answer (offline, timeout, blocked). */
export interface ApiResult {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs `body` as JSON to our own origin and reads the JSON (or problem+json) answer. */
export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, application/problem+json', ...headers },
      body: JSON.stringify(body),
      credentials: 'same-origin',
      signal: AbortSignal.timeout(30_000),
    });
    const data: unknown = await res.json().catch(() => ({}));
    return { status: res.status, body: typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {} };
  } catch {
    return { status: 0, body: {} };
  }
}

/** The `errors[]` of a problem+json answer, keeping only well-formed entries. */
export function problemErrors(body: Record<string, unknown>): { path: string; message: string }[] {
  const errors = Array.isArray(body.errors) ? (body.errors as unknown[]) : [];
  return errors.flatMap((e) => {
    const { path, message } = (e ?? {}) as { path?: unknown; message?: unknown };
    return typeof path === 'string' ? [{ path, message: typeof message === 'string' ? message : '' }] : [];
  });
}

/** The `#token=...` of the address, removed from the address bar and history so it is not shared or kept. */
export function takeTokenFromHash(): string | undefined {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined;
  if (location.hash) history.replaceState(history.state, '', location.pathname + location.search);
  return token || undefined;
}

/** The last path segment of the address: `/offers/abc` → `abc`. */
export function lastPathSegment(): string {
  const segments = location.pathname.split('/').filter(Boolean);
  return decodeURIComponent(segments[segments.length - 1] ?? '');
}
