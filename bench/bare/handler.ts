import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The cold-start yardstick: a handler that imports only the DynamoDB client and makes one. */
const client = new DynamoDBClient({});

export const handler = async () => ({ statusCode: 200, body: String(Boolean(client)) });
