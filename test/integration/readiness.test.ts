import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { startLocal } from '../../local/runtime.js';

/** A port nobody listens on yet. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

type Outcome = 'refused' | 'hung' | number;

describe('starting the local runtime', () => {
  it('refuses connections or answers 503 until it is ready, and never leaves a health check waiting', async () => {
    const port = await freePort();
    const outcomes: Outcome[] = [];
    const inFlight: Promise<void>[] = [];
    let polling = true;
    const probe = async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(5_000) });
        await response.text();
        outcomes.push(response.status);
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        outcomes.push(
          (error as Error).name === 'TimeoutError'
            ? 'hung'
            : cause?.code === 'ECONNREFUSED'
              ? 'refused'
              : (`${(error as Error).name}:${cause?.code}` as never),
        );
      }
    };
    // a health check every 20 ms from the first moment, each on its own (none waits for the one before)
    const timer = setInterval(() => polling && inFlight.push(probe()), 20);

    const rt = await startLocal({ port, dataDir: null, seedDemo: true });
    await new Promise((r) => setTimeout(r, 300));
    polling = false;
    clearInterval(timer);
    await Promise.all(inFlight);
    await rt.stop();

    expect(outcomes.length).toBeGreaterThan(10);
    expect(
      outcomes.filter((o) => !['refused', 503, 200].includes(o as never)),
      JSON.stringify(outcomes),
    ).toEqual([]);
    expect(outcomes.at(-1)).toBe(200);
    expect(outcomes).toContain('refused');
  }, 60_000);
});
