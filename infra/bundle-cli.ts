/**
 * Bundles one function: `node --import tsx infra/bundle-cli.ts <entry> <outdir>`. CDK runs this in a child
 * process (`EsbuildBundling` in function.ts): its local bundling is synchronous, and esbuild runs plugins
 * only in its asynchronous API.
 */
import { bundleFunction } from './bundle.js';

const [entry, outdir] = process.argv.slice(2);
if (!entry || !outdir) {
  console.error('usage: node --import tsx infra/bundle-cli.ts <entry> <outdir>');
  process.exit(2);
}
await bundleFunction(entry, outdir);
