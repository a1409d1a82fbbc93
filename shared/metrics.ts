import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Business metrics (CloudWatch EMF through the function's log; no API call, no extra permission), made at first use. */
let metrics: Metrics | undefined;

/** A wave was held because the page budget was used up; an alarm watches this metric. */
export function countHeldByPageBudget(): void {
  metrics ??= new Metrics({ namespace: 'medreview', serviceName: 'medreview' });
  metrics.addMetric('HeldByPageBudget', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}
