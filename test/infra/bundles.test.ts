import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import type { PortName } from '../../shared/deps.js';
import { FUNCTIONS } from '../../infra/functions.js';
import { BUNDLE_OPTIONS } from '../../infra/bundle.js';
import { EsbuildBundling, projectRoot } from '../../infra/function.js';

/** The SDK client each port's adapter brings; a function's bundle must carry exactly those of its declared ports. */
const CLIENTS: Record<PortName, string> = {
  store: '@aws-sdk/client-dynamodb',
  idempotency: '@aws-sdk/client-dynamodb',
  email: '@aws-sdk/client-sesv2',
  sms: '@aws-sdk/client-pinpoint-sms-voice-v2',
  scheduler: '@aws-sdk/client-scheduler',
  keyedHash: '@aws-sdk/client-kms',
  documents: '@aws-sdk/client-s3',
};

/** Per function, the input files of its code: all of it, and what its cold start reads (the entry and the chunks it imports statically). */
interface Inputs {
  all: string[];
  atImport: string[];
}

/** Every function bundled in one esbuild run (kept in memory), split at dynamic `import()`s as CDK's bundling does. */
const bundleAll = () =>
  build({
    entryPoints: Object.keys(FUNCTIONS).map((name) => `functions/${name}/handler.ts`),
    ...BUNDLE_OPTIONS,
    write: false,
    metafile: true,
    outdir: 'out',
    logLevel: 'error',
  });

/** Per function, the input files of the run's outputs it reads. */
function inputsByFunction({ metafile }: Awaited<ReturnType<typeof bundleAll>>): Map<string, Inputs> {
  const closure = (output: string, dynamic: boolean, seen = new Set<string>()): Set<string> => {
    if (seen.has(output)) return seen;
    seen.add(output);
    for (const i of metafile.outputs[output]!.imports) {
      if (!i.external && (dynamic || i.kind === 'import-statement')) closure(i.path, dynamic, seen);
    }
    return seen;
  };
  const inputs = (outputs: Set<string>) => [...outputs].flatMap((o) => Object.keys(metafile.outputs[o]!.inputs));
  const byFunction = new Map<string, Inputs>();
  for (const [path, output] of Object.entries(metafile.outputs)) {
    const name = output.entryPoint?.match(/^functions\/([^/]+)\/handler\.ts$/)?.[1];
    if (name) byFunction.set(name, { all: inputs(closure(path, true)), atImport: inputs(closure(path, false)) });
  }
  return byFunction;
}

/** The `@aws-sdk/client-*` packages among a bundle's input files. */
const sdkClients = (files: string[]) =>
  [...new Set(files.map((f) => f.match(/node_modules\/(@aws-sdk\/client-[^/]+)\//)?.[1]).filter((c): c is string => Boolean(c)))].sort();

describe('function bundles follow the ports each function declares', () => {
  const built = bundleAll();
  const bundles = built.then(inputsByFunction);
  for (const [name, { ports }] of Object.entries(FUNCTIONS)) {
    const declared = Object.keys(ports) as PortName[];
    const want = [...new Set(declared.map((p) => CLIENTS[p]))].sort();
    it(`${name} carries ${want.length ? want.join(', ') : 'no SDK client'}`, async () => {
      expect(sdkClients((await bundles).get(name)!.all)).toEqual(want);
    }, 60_000);
  }

  it('leave what only a rare path needs out of the cold start: idempotency for intake, paging and its clients for offers', async () => {
    const { intake, offers } = Object.fromEntries(await bundles);
    expect(intake!.all.some((f) => f.includes('@aws-lambda-powertools/idempotency/'))).toBe(true);
    expect(intake!.atImport.filter((f) => f.includes('@aws-lambda-powertools/idempotency/'))).toEqual([]);
    expect(sdkClients(offers!.atImport)).toEqual(['@aws-sdk/client-dynamodb']);
    expect(offers!.atImport).not.toContain('shared/usecases/paging.ts');
  }, 60_000);

  it('load the Powertools logger only at the first warning or error, and never bundle classic Zod', async () => {
    for (const [name, { all, atImport }] of await bundles) {
      expect(
        atImport.filter((f) => f.includes('@aws-lambda-powertools/logger/')),
        name,
      ).toEqual([]);
      expect(
        all.filter((f) => f.includes('node_modules/zod/v4/classic/')),
        name,
      ).toEqual([]);
    }
  }, 60_000);

  it("hand libphonenumber's metadata to JSON.parse as a string, not as an object literal", async () => {
    const texts = (await built).outputFiles.map((f) => f.text);
    const parsed = texts.join('\n').match(/JSON\.parse\('\{"version":\d+,"country_calling_codes"/g) ?? [];
    expect(parsed).toHaveLength(2); // the minimal metadata (intake and others) and the full one (staff, outcome, timer)
    // the data assigned as an object literal, as esbuild prints the package's own module
    expect(texts.filter((t) => /=\s*\{\s*"?version"?:\s*\d+,\s*"?country_calling_codes"?:/.test(t))).toEqual([]);
  }, 60_000);

  it('bring no zod into functions that validate no request (the config is read without it)', async () => {
    for (const name of ['dispatcher', 'pager', 'sweeper', 'delivery-events', 'inbound-sms']) {
      expect(
        (await bundles).get(name)!.all.filter((f) => f.includes('node_modules/zod/')),
        name,
      ).toEqual([]);
    }
  }, 60_000);

  it('are written by the bundler CDK runs (a child process), and a build that fails fails the synth', async () => {
    const out = mkdtempSync(join(tmpdir(), 'medreview-bundle-'));
    try {
      new EsbuildBundling(join(projectRoot, 'functions', 'health', 'handler.ts')).tryBundle(out);
      const { handler } = (await import(pathToFileURL(join(out, 'index.mjs')).href)) as { handler: unknown };
      expect(typeof handler).toBe('function');
      expect(() => new EsbuildBundling(join(projectRoot, 'functions', 'no-such', 'handler.ts')).tryBundle(out)).toThrow(/Command failed/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
