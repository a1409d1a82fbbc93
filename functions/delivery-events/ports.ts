import type { PortsDeclaration } from '../../shared/deps.js';

/** Bounces, complaints, SMS failures: marks the address unusable, falls back to the other channel, tells coordinators. */
export const ports = { store: ['write'], email: true, sms: true } as const satisfies PortsDeclaration;
