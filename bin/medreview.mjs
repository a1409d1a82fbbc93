#!/usr/bin/env node
// The admin CLI, run from a checkout of this repository (`npx medreview …` or `node bin/medreview.mjs …`).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
