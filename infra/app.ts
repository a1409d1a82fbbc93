import { App } from 'aws-cdk-lib';
import { buildWeb } from '../web/build.js';
import { createMedreview } from './medreview.js';

// the site is built from source at every synth, so a deploy never ships a stale or missing form
await buildWeb();
const app = new App();
createMedreview(app);
app.synth();
