import type { PortsDeclaration } from '../../shared/deps.js';

/** Starts paging (wave 1): offers to doctors by SMS and email, the next wave's schedule, the coordinators' notice. */
export const ports = { store: ['write'], email: true, sms: true, scheduler: true } as const satisfies PortsDeclaration;
