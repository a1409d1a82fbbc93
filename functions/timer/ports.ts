import type { PortsDeclaration } from '../../shared/deps.js';

/** Reminders and waves: pages (SMS and email), schedules the next wave, texts patients and coordinators. */
export const ports = { store: ['write'], email: true, sms: true, scheduler: true } as const satisfies PortsDeclaration;
