import type { PortsDeclaration } from '../../shared/deps.js';

/** Repairs what the normal path left undone, through the same use cases: dispatch, waves, offer delivery. */
export const ports = {
  store: ['write', 'delete', 'due-index'],
  email: true,
  sms: true,
  scheduler: true,
} as const satisfies PortsDeclaration;
