import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import * as z from 'zod/mini';

/** The offers function's floor: the document client, middy and zod, each made or used once, and none of our code. */
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const schema = z.object({ token: z.string() });

export const handler = middy(async (event: unknown) => ({ statusCode: 200, body: String(Boolean(db && schema.safeParse(event).success)) }));
