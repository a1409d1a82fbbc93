/**
 * Builds the static site: bundles each web/src/*.ts page script (with the shared zod schema) to ESM
 * and copies the HTML and CSS beside it; the coordinator console (web/console, Preact) goes to `console/`,
 * the attorney's and the doctor's pages (web/portal, Preact) to `referrals/` and `cases/`.
 * Everything is served from the site's own origin.
 *
 * Usage: `tsx web/build.ts [outDir]`, or `await buildWeb()` from the local runtime.
 */
import { build, type BuildOptions } from 'esbuild';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { phoneMetadataAsJson } from '../infra/bundle.js';

const webDir = path.dirname(fileURLToPath(import.meta.url));
/** The pages under web/portal, each served at `/<name>/`. */
const PORTAL_PAGES = ['referrals', 'cases'];
const rootDir = path.dirname(webDir);

/** Builds into `outDir` (relative paths are taken from the project root). */
export async function buildWeb(outDir = 'web/dist'): Promise<void> {
  const out = path.resolve(rootDir, outDir);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });

  const pages = (await readdir(path.join(webDir, 'src'))).filter((f) => f.endsWith('.ts'));
  const statics = (await readdir(webDir)).filter((f) => /\.(html|css|svg)$/.test(f));
  const common = {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    plugins: [phoneMetadataAsJson],
  } satisfies BuildOptions;

  await Promise.all([
    build({ ...common, entryPoints: pages.map((f) => path.join(webDir, 'src', f)), outdir: out }),
    build({ ...common, entryPoints: [path.join(webDir, 'console', 'app.tsx')], outdir: path.join(out, 'console') }),
    // the attorney's page (/referrals/) and the doctor's page (/cases/): Preact, each in its own folder
    ...PORTAL_PAGES.map((page) =>
      build({ ...common, entryPoints: [path.join(webDir, 'portal', `${page}.tsx`)], outdir: path.join(out, page) }).then(() =>
        copyFile(path.join(webDir, 'portal', `${page}.html`), path.join(out, page, 'index.html')),
      ),
    ),
    copyFile(path.join(webDir, 'portal', 'portal.css'), path.join(out, 'portal.css')),
    ...statics.map((f) => copyFile(path.join(webDir, f), path.join(out, f))),
    mkdir(path.join(out, 'console'), { recursive: true }).then(() =>
      Promise.all(['index.html', 'console.css'].map((f) => copyFile(path.join(webDir, 'console', f), path.join(out, 'console', f)))),
    ),
  ]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildWeb(process.argv[2]);
  console.log(`web built in ${Math.round(performance.now() - started)} ms`);
}
