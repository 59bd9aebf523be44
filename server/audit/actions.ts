// The audit log's vocabulary: every action name, what it records and what `details` holds. The
// list lives in shared/audit-api.ts, so the desktop's audit search offers exactly these names.
export { AUDIT_ACTIONS, AuditActionSchema, type AuditAction } from '../../shared/audit-api.js';
