import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTables, startDynamo, TABLES } from '../../local/dynamo.js';
import { freePort } from '../../local/net.js';
import { StreamPoller } from '../../local/streams.js';

let dynamo!: Awaited<ReturnType<typeof startDynamo>>;
let endpoint = '';
const dir = mkdtempSync(join(tmpdir(), 'medreview-poller-'));

beforeAll(async () => {
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  dynamo = await startDynamo(port, null);
  await ensureTables(dynamo.client);
});
afterAll(async () => {
  dynamo.process.kill();
  rmSync(dir, { recursive: true, force: true });
});

const keyOf = (r: DynamoDBStreamEvent['Records'][number]) => r.dynamodb?.Keys?.pk?.S;

describe('the local stream poller', () => {
  it('keeps its position after each batch, so a crash mid-page hands on again only the batch in hand', async () => {
    for (let i = 0; i < 250; i++) {
      const pk = `T#${String(i).padStart(3, '0')}`;
      await dynamo.client.send(new PutItemCommand({ TableName: TABLES.main, Item: { pk: { S: pk }, sk: { S: 'x' } } }));
    }
    const checkpointFile = join(dir, 'checkpoints.json');
    const poller = (handler: (event: DynamoDBStreamEvent) => Promise<undefined>) =>
      new StreamPoller(dynamo.client, endpoint, TABLES.main, {
        name: 'test',
        handler,
        filters: [{ eventName: ['INSERT'] }],
        batchSize: 100,
        intervalMs: 10,
        checkpointFile,
      });

    // the first process hands on two batches, then dies in the third (its handler never returns)
    const handed: string[][] = [];
    let dying!: () => void;
    const died = new Promise<void>((r) => (dying = r));
    const first = poller(async (event) => {
      handed.push(event.Records.map((r) => r.dynamodb!.SequenceNumber!));
      if (handed.length === 3) {
        dying();
        await new Promise(() => undefined);
      }
      return undefined;
    });
    void first.poll();
    await died;
    first.stop();

    const kept = Object.values(JSON.parse(readFileSync(checkpointFile, 'utf8')) as Record<string, string>);
    expect(kept).toEqual([handed[1].at(-1)]);

    // the next process reads on from there: the batch in hand again, nothing before it
    const again: string[] = [];
    await poller(async (event) => {
      again.push(...event.Records.map(keyOf).filter((k): k is string => Boolean(k)));
      return undefined;
    }).poll();
    expect(again).toHaveLength(50);
    expect(again[0]).toBe('T#200');
  });
});
