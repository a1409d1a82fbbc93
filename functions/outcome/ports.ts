import type { PortsDeclaration } from '../../shared/deps.js';

/** The attorney's outcome link: a release plans reminder schedules; other outcomes email the coordinators. */
export const ports = { store: ['write'], email: true, scheduler: true } as const satisfies PortsDeclaration;
