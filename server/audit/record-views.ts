// What a desk's recordViews mutation becomes in the audit log: one entry per view, with the agent
// who pushed it (never a name from the payload), the desk's client id, and the desk's time of the
// view as `at` (recorded_at is the server's time of the push).
import type { RecordView } from '../../shared/mutations.js';
import type { AuditEntryInput } from './audit-log.js';

/** Who pushed the views and from which desk. */
export interface ViewOrigin {
  agentId: string;
  clientId: string;
}

export function auditEntryOfView(view: RecordView, origin: ViewOrigin): AuditEntryInput {
  const from = { agentId: origin.agentId, clientId: origin.clientId, at: view.at };
  switch (view.entity) {
    case 'caller':
      return { ...from, action: 'caller.view', objectType: 'caller', objectId: view.id, details: { context: view.context, nearbyCaseIds: view.nearbyCaseIds } };
    case 'case':
      return { ...from, action: 'case.view', objectType: 'case', objectId: view.id, details: { context: view.context } };
    case 'case_search':
      return {
        ...from,
        action: 'case.search',
        objectType: 'case',
        objectId: null,
        details: { context: view.context, reference: view.reference, resultCount: view.resultCount, caseIds: view.caseIds },
      };
  }
}
