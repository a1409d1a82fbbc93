import type { PortsDeclaration } from '../../shared/deps.js';

/** Verifying a submitter: the token, the address's trust and its waiting referrals (moved on, pointers deleted). */
export const ports = { store: ['write', 'delete'] } as const satisfies PortsDeclaration;
