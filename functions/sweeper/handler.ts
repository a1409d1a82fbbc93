import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { wire } from '../../shared/deps.js';
import { sesEmail } from '../../shared/email/ses.js';
import { eventBridgeScheduler } from '../../shared/scheduler/eventbridge.js';
import { endUserMessagingSms } from '../../shared/sms/end-user-messaging.js';
import { dynamoStore } from '../../shared/store/dynamo.js';
import { logger } from '../../shared/logger.js';
import { sweep, type SweepReport } from '../../shared/usecases/sweeper.js';
import { ports } from './ports.js';

const deps = wire(ports, { store: dynamoStore, email: sesEmail, sms: endUserMessagingSms, scheduler: eventBridgeScheduler });

const metrics = new Metrics({ namespace: 'medreview', serviceName: 'medreview' });

/** EventBridge rule, every 5 minutes: repair, then the heartbeat (an alarm fires when it stops). */
export async function handler(): Promise<SweepReport> {
  const report = await sweep(deps());
  if (report.dispatched + report.waves + report.deliveries + report.failed > 0) await logger.warn('sweeper repaired work', { ...report });
  metrics.addMetric('SweeperHeartbeat', MetricUnit.Count, 1);
  metrics.addMetric('SweeperRepairs', MetricUnit.Count, report.dispatched + report.waves + report.deliveries);
  metrics.publishStoredMetrics();
  return report;
}
