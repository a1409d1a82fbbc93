import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deps } from '../../shared/deps.js';
import { runLane } from '../../shared/stream/lane.js';

/**
 * The routine lane of the table stream (the outbox): every new case gets its timeline entry, receipt
 * and, when routine, its email offers and coordinator notice; every accept its follow-up (schedules
 * deleted, "no longer needed", introductions). Paging is the pager's lane.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  return runLane('routine', event, deps());
}
