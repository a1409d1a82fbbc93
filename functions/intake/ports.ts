import type { PortsDeclaration } from '../../shared/deps.js';

/**
 * The public intake: reads whether the submitter is trusted and the duplicate index, claims the urgent
 * window, stores the case (conditional writes), keeps Idempotency-Key records and hashes the A-number with
 * the KMS key. It can neither scan, delete, mail nor text: paging, receipts and verification email follow
 * from the table stream.
 */
export const ports = { store: ['write'], idempotency: true, keyedHash: true } as const satisfies PortsDeclaration;
