import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/infra/**/*.test.ts', 'test/usecases/**/*.test.ts', 'test/contract/memory.test.ts'],
          environment: 'node',
        },
      },
      {
        // each file starts its own local runtime or DynamoDB Local; one file at a time on two cores
        test: {
          name: 'integration',
          // the pages are built once for the run; each runtime start (and a child runtime) serves them as built
          globalSetup: ['test/support/web.ts'],
          env: { WEB_PREBUILT: '1' },
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/contract/dynamodb.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
