import { afterAll, beforeAll } from 'vitest';
import { startLocal, type LocalRuntime } from '../../local/runtime.js';

/** The real local runtime in memory on free ports: what `npm start` runs, without data on disk. */
export async function startTestRuntime(): Promise<LocalRuntime> {
  return startLocal({ port: 0, dataDir: null });
}

/** Starts the runtime before a file's tests (handing it to `started`) and stops it after them. */
export function useTestRuntime(started: (rt: LocalRuntime) => void): void {
  let rt: LocalRuntime | undefined;
  beforeAll(async () => {
    rt = await startTestRuntime();
    started(rt);
  });
  afterAll(async () => {
    await rt?.stop();
  });
}

/** JSON over real HTTP. */
export async function call(rt: { url: string }, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(rt.url + path, init);
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}
