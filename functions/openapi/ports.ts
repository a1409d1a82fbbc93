import type { PortsDeclaration } from '../../shared/deps.js';

/** The document is built from the route table and the schemas: it touches nothing. */
export const ports = {} as const satisfies PortsDeclaration;
