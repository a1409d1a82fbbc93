import { ThrottlingException as SmsThrottlingException } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { InternalServerException, ThrottlingException as SchedulerThrottlingException } from '@aws-sdk/client-scheduler';
import { logger } from '../shared/logger.js';
import type { SchedulerPort, SmsPort } from '../shared/ports.js';

/** The adapters `FAULTS` can fail, each with its share of calls (0–1). */
export const FAULT_ADAPTERS = ['dynamodb', 'ses', 'sms', 'scheduler', 'documents'] as const;
export type FaultAdapter = (typeof FAULT_ADAPTERS)[number];
export type FaultRates = Partial<Record<FaultAdapter, number>>;

/** `dynamodb:0.05,ses:0.1` → `{ dynamodb: 0.05, ses: 0.1 }`; anything else is refused with the reason. */
export function parseFaults(spec: string | undefined): FaultRates {
  const rates: FaultRates = {};
  for (const part of (spec ?? '').split(',').map((p) => p.trim())) {
    if (!part) continue;
    const [name, value, extra] = part.split(':');
    const rate = Number(value);
    if (!FAULT_ADAPTERS.includes(name as FaultAdapter) || extra !== undefined || value === '' || !(rate >= 0 && rate <= 1)) {
      throw new Error(`FAULTS: "${part}" is not <adapter>:<share 0-1> with adapter one of ${FAULT_ADAPTERS.join(', ')}`);
    }
    rates[name as FaultAdapter] = rate;
  }
  return rates;
}

/** A fault the way the service answers when it throttles or fails: status, error type and message. */
interface ServiceFault {
  status: number;
  type: string;
  message: string;
}

const DYNAMODB_FAULTS: ServiceFault[] = [
  { status: 400, type: 'ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.' },
  {
    status: 400,
    type: 'ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  },
  { status: 500, type: 'InternalServerError', message: 'Internal server error' },
];
const SES_FAULTS: ServiceFault[] = [{ status: 429, type: 'TooManyRequestsException', message: 'Maximum sending rate exceeded.' }];
const S3_FAULTS: ServiceFault[] = [
  { status: 503, type: 'SlowDown', message: 'Please reduce your request rate.' },
  { status: 500, type: 'InternalError', message: 'We encountered an internal error. Please try again.' },
];

const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)];

/** The SDK's HTTP layer, as far as a fault needs it. */
interface RequestHandler {
  handle(request: { headers: Record<string, string> }, options?: unknown): Promise<{ response: unknown }>;
}

/**
 * Fails `rate` of an SDK client's HTTP requests with the service's own error answer (a JSON error body
 * with its type, as DynamoDB or SES send it; S3's XML error). The SDK parses it into the real exception (`$retryable`,
 * `$metadata.httpStatusCode`) and retries it with its own backoff and jitter, exactly as in AWS.
 */
export function faultHttp(
  client: { config: { requestHandler: unknown } },
  rate: number,
  protocol: 'json' | 'rest-json' | 'rest-xml',
): void {
  if (!rate) return;
  const handler = client.config.requestHandler as RequestHandler;
  const handle = handler.handle.bind(handler);
  const faults = protocol === 'json' ? DYNAMODB_FAULTS : protocol === 'rest-xml' ? S3_FAULTS : SES_FAULTS;
  handler.handle = async (request, options) => {
    if (Math.random() >= rate) return handle(request, options);
    const fault = pick(faults);
    if (protocol === 'rest-xml') {
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.type}</Code><Message>${fault.message}</Message></Error>`;
      return {
        response: {
          statusCode: fault.status,
          reason: fault.type,
          headers: { 'content-type': 'application/xml' },
          body: new TextEncoder().encode(xml),
        },
      };
    }
    const body =
      protocol === 'json'
        ? { __type: `com.amazonaws.dynamodb.v20120810#${fault.type}`, message: fault.message }
        : { message: fault.message };
    return {
      response: {
        statusCode: fault.status,
        reason: fault.type,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': fault.type, 'x-amzn-requestid': 'fault' },
        body: new TextEncoder().encode(JSON.stringify(body)),
      },
    };
  };
}

/** As the AWS SDK's standard retry mode: 3 attempts, exponential backoff from 100 ms with full jitter, retryable errors only. */
const SDK_ATTEMPTS = 3;
async function withSdkRetries<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const e = error as { $retryable?: unknown; $fault?: string; $metadata?: { httpStatusCode?: number } };
      const retryable = e.$retryable || e.$fault === 'server' || e.$metadata?.httpStatusCode === 429;
      if (!retryable || attempt >= SDK_ATTEMPTS) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(20_000, 100 * 2 ** attempt)));
    }
  }
}

const meta = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'fault', attempts: 1, totalRetryDelay: 0 });

/**
 * The local SMS sink with End User Messaging SMS's throttle: `rate` of sends fail with the SDK's
 * ThrottlingException, retried as the SDK client retries in AWS.
 */
export function faultSms(sms: SmsPort, rate: number | undefined): SmsPort {
  if (!rate) return sms;
  return {
    send: (to, body) =>
      withSdkRetries(async () => {
        if (Math.random() < rate) {
          throw new SmsThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', $metadata: meta(400) });
        }
        return sms.send(to, body);
      }),
  };
}

/**
 * The local scheduler with EventBridge Scheduler's throttle and 5xx: `rate` of creates and deletes fail
 * with the SDK's ThrottlingException (429) or InternalServerException (500), retried as the SDK does.
 */
export function faultScheduler<S extends SchedulerPort>(scheduler: S, rate: number | undefined): SchedulerPort {
  if (!rate) return scheduler;
  const fail = () => {
    if (Math.random() >= rate) return;
    if (Math.random() < 0.5)
      throw new SchedulerThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', $metadata: meta(429) });
    throw new InternalServerException({ message: 'Internal failure', Message: 'Internal failure', $metadata: meta(500) });
  };
  return {
    create: (name, at, event) =>
      withSdkRetries(async () => {
        fail();
        return scheduler.create(name, at, event);
      }),
    delete: (name) =>
      withSdkRetries(async () => {
        fail();
        return scheduler.delete(name);
      }),
  };
}

/** Says which faults are on, at start (names and shares only). */
export async function announceFaults(rates: FaultRates): Promise<void> {
  if (Object.values(rates).some(Boolean)) await logger.warn('FAULTS: failing a share of adapter calls on purpose', { ...rates });
}
