import type { PortsDeclaration } from '../../shared/deps.js';

/**
 * The malware scan's result for an uploaded object (GuardDuty through EventBridge): reads the object's
 * first bytes (the magic-byte check), deletes a rejected one, tags one that lands after its case closed,
 * marks the document and emails the uploader or the other side.
 */
export const ports = { store: ['write'], email: true, documents: ['download', 'delete', 'tag'] } as const satisfies PortsDeclaration;
