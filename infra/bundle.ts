/**
 * How a function's code is bundled: used by CDK (through `EsbuildBundling` in function.ts and
 * `bundle-cli.ts`), by the bundles test and, for the JSON data rule, by the web build.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Plugin } from 'esbuild';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * libphonenumber's metadata (83 KB, or 157 KB for the full set that tells mobile numbers apart) is a JS
 * object literal, which V8 parses more slowly than the same data handed to `JSON.parse` as a string
 * (measured side by side: intake's import 10 M instructions and 4–8 ms less, staff's 13 M). Each
 * `metadata.*.json.js` module (the package's ES wrapper of its JSON) is emitted as `JSON.parse` of the JSON
 * file next to it: same data, same module, cheaper to load, in Lambda and in the browser alike.
 */
export const phoneMetadataAsJson: Plugin = {
  name: 'phone-metadata-as-json',
  setup(b) {
    b.onLoad({ filter: /[\\/]libphonenumber-js[\\/]metadata\.\w+\.json\.js$/ }, (args) => ({
      contents: `export default JSON.parse(${JSON.stringify(readFileSync(args.path.replace(/\.js$/, ''), 'utf8'))});`,
      loader: 'js',
    }));
  },
};

/** How every function's code is bundled and split (the bundles test analyses exactly this). */
export const BUNDLE_OPTIONS = {
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  mainFields: ['module', 'main'],
  plugins: [phoneMetadataAsJson],
} as const satisfies BuildOptions;

/**
 * The function's code: esbuild bundles the entry and everything it imports (the SDK too) as ESM for Node 24,
 * minified, split at dynamic `import()`s, so a cold start reads only `index.mjs` and the chunks it imports;
 * code that only a rare path needs (an SDK client loaded on first use, the SDK's other credential
 * providers) stays in chunks that are read when that path runs. Source maps are written beside the code
 * (file and line, without the sources) to decode a stack trace; Node does not read them at run time.
 */
export async function bundleFunction(entry: string, outdir: string): Promise<void> {
  await build({
    entryPoints: { index: entry },
    outdir,
    absWorkingDir: projectRoot,
    ...BUNDLE_OPTIONS,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}
