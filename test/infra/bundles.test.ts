import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import type { PortName } from '../../shared/deps.js';
import { FUNCTIONS } from '../../infra/functions.js';

/** The SDK client each port's adapter brings; a function's bundle must carry exactly those of its declared ports. */
const CLIENTS: Record<PortName, string> = {
  store: '@aws-sdk/client-dynamodb',
  idempotency: '@aws-sdk/client-dynamodb',
  email: '@aws-sdk/client-sesv2',
  sms: '@aws-sdk/client-pinpoint-sms-voice-v2',
  scheduler: '@aws-sdk/client-scheduler',
  keyedHash: '@aws-sdk/client-kms',
};

/** Every function bundled in one esbuild run; per function, the `@aws-sdk/client-*` packages its bundle holds. */
async function sdkClientsByFunction(): Promise<Map<string, string[]>> {
  const { metafile } = await build({
    entryPoints: Object.keys(FUNCTIONS).map((name) => `functions/${name}/handler.ts`),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    outdir: 'out',
    logLevel: 'error',
  });
  const byFunction = new Map<string, string[]>();
  for (const output of Object.values(metafile.outputs)) {
    const name = output.entryPoint?.match(/^functions\/([^/]+)\/handler\.ts$/)?.[1];
    if (!name) continue;
    const clients = Object.keys(output.inputs).map((f) => f.match(/node_modules\/(@aws-sdk\/client-[^/]+)\//)?.[1]);
    byFunction.set(name, [...new Set(clients.filter((c): c is string => Boolean(c)))].sort());
  }
  return byFunction;
}

describe('function bundles follow the ports each function declares', () => {
  const bundles = sdkClientsByFunction();
  for (const [name, { ports }] of Object.entries(FUNCTIONS)) {
    const declared = Object.keys(ports) as PortName[];
    const want = [...new Set(declared.map((p) => CLIENTS[p]))].sort();
    it(`${name} carries ${want.length ? want.join(', ') : 'no SDK client'}`, async () => {
      expect((await bundles).get(name)).toEqual(want);
    }, 60_000);
  }
});
