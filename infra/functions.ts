import { Duration } from 'aws-cdk-lib';
import type { PortsDeclaration } from '../shared/deps.js';
import { ports as deliveryEvents } from '../functions/delivery-events/ports.js';
import { ports as documentScan } from '../functions/document-scan/ports.js';
import { ports as documents } from '../functions/documents/ports.js';
import { ports as dispatcher } from '../functions/dispatcher/ports.js';
import { ports as health } from '../functions/health/ports.js';
import { ports as inboundSms } from '../functions/inbound-sms/ports.js';
import { ports as intake } from '../functions/intake/ports.js';
import { ports as offers } from '../functions/offers/ports.js';
import { ports as openapi } from '../functions/openapi/ports.js';
import { ports as pager } from '../functions/pager/ports.js';
import { ports as portal } from '../functions/portal/ports.js';
import { ports as outcome } from '../functions/outcome/ports.js';
import { ports as staff } from '../functions/staff/ports.js';
import { ports as sweeper } from '../functions/sweeper/ports.js';
import { ports as timer } from '../functions/timer/ports.js';
import type { MedreviewFunctionProps } from './function.js';

export interface FunctionSpec extends Pick<MedreviewFunctionProps, 'timeout' | 'reservedConcurrency' | 'async'> {
  /** The function's own declaration of what it uses: CDK grants exactly that (`usePorts`). */
  readonly ports: PortsDeclaration;
  /** Named `<stack>-<name>`, for a target known before the function exists (the scheduler role's). */
  readonly fixedName?: boolean;
}

/**
 * Every Lambda function: the folder under functions/ (handler.ts and ports.ts), its ports and how it runs.
 * To add a function: its folder, a row here; its HTTP routes go in functions/routes.ts.
 */
export const FUNCTIONS = {
  health: { ports: health, reservedConcurrency: 2, timeout: Duration.seconds(3) },
  openapi: { ports: openapi, reservedConcurrency: 2, timeout: Duration.seconds(5) },
  intake: { ports: intake, reservedConcurrency: 10 },
  // a decline that completes a wave starts the next wave inside the request: API Gateway's 29 s, not 10
  offers: { ports: offers, reservedConcurrency: 10, timeout: Duration.seconds(29) },
  outcome: { ports: outcome, reservedConcurrency: 5 },
  staff: { ports: staff, reservedConcurrency: 5 },
  portal: { ports: portal, reservedConcurrency: 5 },
  documents: { ports: documents, reservedConcurrency: 5 },
  'document-scan': { ports: documentScan, reservedConcurrency: 5, timeout: Duration.seconds(30), async: true },
  // the two lanes of the table stream: routine dispatch, and the pager that only starts paging
  dispatcher: { ports: dispatcher, reservedConcurrency: 5, timeout: Duration.seconds(60) },
  pager: { ports: pager, reservedConcurrency: 5, timeout: Duration.seconds(60) },
  timer: { ports: timer, reservedConcurrency: 10, timeout: Duration.seconds(60), async: true, fixedName: true },
  'inbound-sms': { ports: inboundSms, reservedConcurrency: 5, timeout: Duration.seconds(30), async: true },
  'delivery-events': { ports: deliveryEvents, reservedConcurrency: 5, timeout: Duration.seconds(30), async: true },
  sweeper: { ports: sweeper, reservedConcurrency: 1, timeout: Duration.minutes(2), async: true },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTIONS;
