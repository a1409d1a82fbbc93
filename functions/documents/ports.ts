import type { PortsDeclaration } from '../../shared/deps.js';

/**
 * Case documents over HTTP: reads the case, the roster (who the accepted doctor is) and the documents,
 * stores a new document within the case's limit and each download on the timeline; signs presigned
 * POSTs (uploads) and GETs (downloads). It never reads an object itself.
 */
export const ports = { store: ['write'], documents: ['upload', 'download'] } as const satisfies PortsDeclaration;
