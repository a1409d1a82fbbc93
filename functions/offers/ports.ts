import type { PortsDeclaration } from '../../shared/deps.js';

/**
 * Offer links: read the offer and its case, accept or decline (conditional writes). A decline that
 * empties a wave starts the next wave at once, which schedules, texts and mails.
 */
export const ports = { store: ['write'], email: true, sms: true, scheduler: true } as const satisfies PortsDeclaration;
