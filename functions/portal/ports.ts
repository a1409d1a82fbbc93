import type { PortsDeclaration } from '../../shared/deps.js';

/**
 * The attorney's and the doctor's pages: reads a person's cases through the indexes by submitter and by
 * accepting doctor, reads a case, its timeline and the roster, and puts one `viewed` event on the
 * timeline for each case read (PutItem only). It changes no case, and sends nothing.
 */
export const ports = { store: ['read', 'create'] } as const satisfies PortsDeclaration;
