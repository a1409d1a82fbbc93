import type { ChildProcess } from 'node:child_process';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { ensureTables, startDynamo, TABLES } from '../../local/dynamo.js';
import { freePort } from '../../local/net.js';
import { documentClient } from '../../shared/store/dynamo.js';
import { createDynamoStore } from '../../shared/store/dynamodb/store.js';
import { storeContract } from './store.contract.js';

let dynamo: { process: ChildProcess; client: DynamoDBClient };
beforeAll(async () => {
  dynamo = await startDynamo(await freePort(), null);
});
afterAll(() => {
  dynamo?.process.kill('SIGKILL');
});

// one DynamoDB Local (in memory) for the file; the tables are emptied before every test
storeContract('DynamoDB store', async () => {
  await ensureTables(dynamo.client, true);
  return createDynamoStore(documentClient(dynamo.client), TABLES.main);
});
