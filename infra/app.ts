import { App } from 'aws-cdk-lib';
import { createMedreview } from './medreview.js';

const app = new App();
createMedreview(app);
app.synth();
