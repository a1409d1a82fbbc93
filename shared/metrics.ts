import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Business metrics (CloudWatch EMF through the function's log; no API call, no extra permission). */
const metrics = new Metrics({ namespace: 'medreview', serviceName: 'medreview' });

/** A wave was held because the page budget was used up; an alarm watches this metric. */
export function countHeldByPageBudget(): void {
  metrics.addMetric('HeldByPageBudget', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}
