import type { PortsDeclaration } from '../../shared/deps.js';

/**
 * Inbound SMS: answers by SMS, accepts or declines (a decline may start the next wave), records STOP and
 * deletes that record on START, tells the coordinators by email.
 */
export const ports = { store: ['write', 'delete'], email: true, sms: true, scheduler: true } as const satisfies PortsDeclaration;
