import { join } from 'node:path';
import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { projectRoot } from './function.js';
import { type Settings, settingsFromContext } from './settings.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack } from './stateless-stack.js';
import { EdgeStack } from './edge-stack.js';

export const defaultWebDist = join(projectRoot, 'web', 'dist');

/** The three stacks (data, edge WAF, the rest) plus the cdk-nag packs; shared by infra/app.ts and the infra tests (which may leave nag to its own test). */
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
  const stateful = new StatefulStack(app, 'MedreviewStateful', {
    env,
    mailFrom: settings.mailFrom,
    documentRetentionDays: settings.documentRetentionDays,
    description: 'medreview data, keys, messaging config',
  });
  // CloudFront reads its web ACL from us-east-1 only; the ARN crosses Regions through CDK's SSM-backed references.
  const edge = new EdgeStack(app, 'MedreviewEdge', {
    env: { account: env.account, region: 'us-east-1' },
    crossRegionReferences: true,
    settings,
    description: 'medreview edge WAF (CloudFront scope, us-east-1)',
  });
  const stateless = new StatelessStack(app, 'MedreviewStateless', {
    env,
    crossRegionReferences: true,
    stateful,
    settings,
    edgeWebAclArn: edge.webAcl.attrArn,
    description: 'medreview functions, API, site',
  });
  Tags.of(app).add('app', 'medreview');
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(), new HIPAASecurityChecks());
  return { stateful, stateless, edge };
}
