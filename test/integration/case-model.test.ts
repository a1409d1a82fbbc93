import type { ChildProcess } from 'node:child_process';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, it } from 'vitest';
import { ensureTables, startDynamo, TABLES } from '../../local/dynamo.js';
import { freePort } from '../../local/net.js';
import { documentClient } from '../../shared/store/dynamo.js';
import { createDynamoStore } from '../../shared/store/dynamodb/store.js';
import { caseKinds, commands, setup } from '../support/case-model.js';

let dynamo: { process: ChildProcess; client: DynamoDBClient };
beforeAll(async () => {
  dynamo = await startDynamo(await freePort(), null);
});
afterAll(() => {
  dynamo?.process.kill('SIGKILL');
});

// the same model as test/usecases/case-model.test.ts, on the DynamoDB store (its conditions and transactions)
it('a case keeps its rules under random sequences of events, replays and clock moves (DynamoDB Local)', async () => {
  await fc.assert(
    fc.asyncProperty(caseKinds, fc.commands(commands, { maxCommands: 25, size: 'max' }), async (kind, cmds) => {
      await ensureTables(dynamo.client, true);
      const { model, real } = await setup(createDynamoStore(documentClient(dynamo.client), TABLES.main), kind);
      await fc.asyncModelRun(() => ({ model, real }), cmds);
    }),
    { numRuns: 20 },
  );
}, 120_000);
