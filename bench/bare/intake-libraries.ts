import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import * as z from '../../shared/zod.js';

/**
 * Intake's floor: the libraries it cannot do without (the document client, KMS for the A-number hash, middy,
 * zod as the project sets it up in `shared/zod.ts`, libphonenumber for the attorney's phone), each made or
 * used once, and none of our code.
 */
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const kms = new KMSClient({});
const schema = z.object({ phone: z.string() });

export const handler = middy(async (event: unknown) => ({
  statusCode: 200,
  body: String(Boolean(db && kms && schema.safeParse(event).success && parsePhoneNumberFromString)),
}));
