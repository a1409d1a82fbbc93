import type { PortsDeclaration } from '../../shared/deps.js';

/**
 * The staff API: cases, timeline and notes; release and close plan or delete schedules; approvals, the
 * trusted list and the roster (an import batch-writes and deletes entries); metrics and the CSV read the
 * cases-by-creation-date index; the A-number filter hashes with the KMS key. A handoff to a clinic
 * texts the patient and emails the clinic and the coordinators; it plans check-in schedules. Closing a
 * case tags its documents' objects for the bucket's retention rule.
 */
export const ports = {
  store: ['write', 'delete', 'batch-write', 'cases-index'],
  scheduler: true,
  keyedHash: true,
  email: true,
  sms: true,
  documents: ['tag'],
} as const satisfies PortsDeclaration;
