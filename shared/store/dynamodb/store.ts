import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StorePort } from '../port.js';
import { dynamoCases } from './cases.js';
import { dynamoClinics } from './clinics.js';
import { dynamoDocuments } from './documents.js';
import { dynamoLimits } from './limits.js';
import { dynamoOffers } from './offers.js';
import { dynamoReminders } from './reminders.js';
import { dynamoRoster } from './roster.js';
import { Table } from './table.js';
import { dynamoTimeline } from './timeline.js';
import { dynamoTrust } from './trust.js';

/**
 * The store port over the single table (`docs/design.md`, Data), composed of one module per entity; the
 * local runtime also drops its cached reads, and the drain profiler times the calls of its client (`db`).
 */
export type DynamoStore = StorePort & { dropCaches(): void; readonly db: DynamoDBDocumentClient };

export function createDynamoStore(db: DynamoDBDocumentClient, tableName: string): DynamoStore {
  const table = new Table(db, tableName);
  return {
    db,
    ...dynamoCases(table),
    ...dynamoTimeline(table),
    ...dynamoOffers(table),
    ...dynamoRoster(table),
    ...dynamoTrust(table),
    ...dynamoLimits(table),
    ...dynamoReminders(table),
    ...dynamoClinics(table),
    ...dynamoDocuments(table),
  };
}
