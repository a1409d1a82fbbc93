import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Adapter } from '../deps.js';
import { dynamoClient } from '../store/dynamo.js';

/** The `idempotency` port: Powertools idempotency records in their own table. */
export const dynamoIdempotency: Adapter<'idempotency'> = (cfg) =>
  new DynamoDBPersistenceLayer({ tableName: cfg.IDEMPOTENCY_TABLE_NAME, awsSdkV3Client: dynamoClient() });
