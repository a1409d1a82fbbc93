import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Adapter } from '../deps.js';
import { ConflictError, UnprocessableError } from '../http/errors.js';
import type { IdempotencyPort } from '../ports.js';
import { dynamoClient } from '../store/dynamo.js';

/** Powertools idempotency on a persistence layer: a record per key for 24 h, holding the first result. */
export function powertoolsIdempotency(persistenceStore: BasePersistenceLayer): IdempotencyPort {
  return {
    async once(key, body, run, context) {
      const config = new IdempotencyConfig({
        eventKeyJmesPath: 'key',
        payloadValidationJmesPath: 'body',
        expiresAfterSeconds: 24 * 3600,
        hashFunction: 'sha256',
      });
      if (typeof context?.getRemainingTimeInMillis === 'function') config.registerLambdaContext(context);
      const once = makeIdempotent(async (_input: { key: string; body: unknown }) => run(), { persistenceStore, config });
      try {
        return await once({ key, body });
      } catch (error) {
        if (error instanceof IdempotencyValidationError) {
          throw new UnprocessableError('this Idempotency-Key was already used with a different body', undefined, { cause: error });
        }
        if (error instanceof IdempotencyAlreadyInProgressError) {
          throw new ConflictError('a request with this Idempotency-Key is still being processed; retry shortly', { cause: error });
        }
        throw error;
      }
    },
  };
}

/** The `idempotency` port: Powertools idempotency records in their own table. */
export const dynamoIdempotency: Adapter<'idempotency'> = (cfg) =>
  powertoolsIdempotency(new DynamoDBPersistenceLayer({ tableName: cfg.IDEMPOTENCY_TABLE_NAME, awsSdkV3Client: dynamoClient() }));
