import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Adapter } from '../deps.js';
import { createDynamoStore } from './dynamodb/store.js';

let client: DynamoDBClient | undefined;

/** One DynamoDB client per process, shared by the store and the idempotency records. */
export function dynamoClient(): DynamoDBClient {
  return (client ??= new DynamoDBClient({}));
}

export function documentClient(dynamo: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
}

/** The `store` port: the single table in DynamoDB. */
export const dynamoStore: Adapter<'store'> = (cfg) => createDynamoStore(documentClient(dynamoClient()), cfg.TABLE_NAME);
