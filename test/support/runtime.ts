import { afterAll, beforeAll, expect } from 'vitest';
import { startLocal, type LocalRuntime, type LocalRuntimeOptions } from '../../local/runtime.js';
import { ISSUED_A_NUMBERS } from '../fixtures/referral.js';
import { checkAnswer } from './openapi.js';

/** The real local runtime in memory on free ports: what `npm start` runs, without data on disk. */
export async function startTestRuntime(options: Pick<LocalRuntimeOptions, 'limits'> = {}): Promise<LocalRuntime> {
  return startLocal({ port: 0, dataDir: null, ...options });
}

/** What the fixture client's referral holds that no message may ever carry (test/fixtures/referral.ts). */
const FIXTURE_PHI = ['María', 'López', '123456789', '1990-04-02', 'South Texas ICE Processing Center', 'Headaches and dizziness'];

/**
 * Starts the runtime before a file's tests (handing it to `started`) and stops it after them; before
 * stopping, every SMS and email the file's tests made the system send is scanned for the fixture's PHI
 * (the A-numbers handed out by `freshANumber` included).
 */
export function useTestRuntime(started: (rt: LocalRuntime) => void, options: Pick<LocalRuntimeOptions, 'limits'> = {}): void {
  let rt: LocalRuntime | undefined;
  beforeAll(async () => {
    rt = await startTestRuntime(options);
    started(rt);
  });
  afterAll(async () => {
    if (!rt) return;
    await rt.settle(); // what the last test set going is sent, and scanned, too
    const { sms, email } = rt.history();
    const texts = [...sms.map((m) => m.body), ...email.flatMap((m) => [m.subject, m.text, m.html])];
    await rt.stop();
    const leaks = [...FIXTURE_PHI, ...ISSUED_A_NUMBERS].filter((phi) => texts.some((t) => t.includes(phi)));
    expect(leaks, `PHI in ${texts.length} messages sent by this file's tests`).toEqual([]);
    expect(texts.length).toBeGreaterThan(0);
  });
}

/** JSON over real HTTP; an answer of an API route is checked against the OpenAPI document (openapi.ts). */
export async function call(rt: { url: string }, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(rt.url + path, init);
  const text = await response.text();
  checkAnswer(method, path, response.status, response.headers.get('content-type'), text);
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** The fixture attorney (test/fixtures/referral.ts): who submits when a body names no one else. */
export const FIXTURE_ATTORNEY = 'ana.perez@example.org';

const attorneyTokens = new WeakMap<object, Map<string, Promise<string>>>();

/** An external-pool ID token for `email` from `/_local/token?attorney=` (one per runtime and address). */
export function attorneyToken(rt: { url: string }, email: string = FIXTURE_ATTORNEY): Promise<string> {
  let tokens = attorneyTokens.get(rt);
  if (!tokens) attorneyTokens.set(rt, (tokens = new Map()));
  const address = email.toLowerCase();
  let token = tokens.get(address);
  if (!token) {
    token = call(rt, 'GET', `/_local/token?attorney=${encodeURIComponent(address)}`).then((r) => r.json.token as string);
    tokens.set(address, token);
  }
  return token;
}

/**
 * `call` as a signed-in attorney: the bearer token of the body's `attorney.email` (or the fixture attorney's),
 * unless the headers carry their own `authorization` (an empty one sends none).
 */
export async function attorneyCall(
  rt: { url: string },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  if ('authorization' in headers) {
    const { authorization, ...rest } = headers;
    return call(rt, method, path, body, authorization ? headers : rest);
  }
  const named = typeof body === 'object' && body !== null ? (body as { attorney?: { email?: unknown } }).attorney?.email : undefined;
  // a body whose attorney.email is not an address (a schema test) is sent by the fixture attorney
  const email = typeof named === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(named) ? named : FIXTURE_ATTORNEY;
  return call(rt, method, path, body, { ...headers, authorization: `Bearer ${await attorneyToken(rt, email)}` });
}
