import { join } from 'node:path';
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { projectRoot } from './function.js';
import { type Settings, settingsFromContext } from './settings.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';

export const defaultWebDist = join(projectRoot, 'web', 'dist');

/** Both stacks plus the cdk-nag packs; shared by infra/app.ts and the infra tests (which may leave nag to its own test). */
export function createMedreview(
  app: App,
  settings: Settings = settingsFromContext(app.node, defaultWebDist),
  options: { nag?: boolean } = {},
) {
  // Account stays agnostic (no credentials needed to synth); the Region is pinned so ARNs are concrete.
  const env = {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION ?? (app.node.tryGetContext('region') as string | undefined) ?? 'us-east-1',
  };
  const stateful = new StatefulStack(app, 'MedreviewStateful', { env, description: 'medreview data, keys, messaging config' });
  const stateless = new StatelessStack(app, 'MedreviewStateless', {
    env,
    stateful,
    settings,
    description: 'medreview functions, API, site',
  });
  Tags.of(app).add('app', 'medreview');
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(), new HIPAASecurityChecks());
  return { stateful, stateless };
}
