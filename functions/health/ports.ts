import type { PortsDeclaration } from '../../shared/deps.js';

/** The health check touches nothing. */
export const ports = {} as const satisfies PortsDeclaration;
