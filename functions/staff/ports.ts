import type { PortsDeclaration } from '../../shared/deps.js';

/** The staff API: cases and their timeline; release and close plan or delete schedules. Sends nothing. */
export const ports = { store: ['write'], scheduler: true } as const satisfies PortsDeclaration;
