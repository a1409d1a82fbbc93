import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { deps } from '../../shared/deps.js';
import { runLane } from '../../shared/stream/lane.js';

/**
 * The urgent lane of the table stream: a case that became `paging` gets paging wave 1 (and the
 * coordinators' email notice). Its event source mapping takes nothing else, so routine work never
 * waits in front of a page.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  return runLane('urgent', event, deps());
}
