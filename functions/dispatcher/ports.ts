import type { PortsDeclaration } from '../../shared/deps.js';

/** Pages doctors and coordinators (SMS and email), schedules the next wave, mails receipts and notices. */
export const ports = { store: ['write', 'delete'], email: true, sms: true, scheduler: true } as const satisfies PortsDeclaration;
