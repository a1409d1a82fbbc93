import type { PortsDeclaration } from '../../shared/deps.js';

/**
 * The public intake stores a new case (one conditional put) and keeps Idempotency-Key records; it can
 * neither read other cases, scan, delete, mail nor text. Paging and the receipt follow from the stream.
 */
export const ports = { store: ['create'], idempotency: true } as const satisfies PortsDeclaration;
