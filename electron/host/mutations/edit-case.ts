// editCase: changes some of a case's fields; the server checks each against its base version.
import type { LocalMutation } from './types.js';
import { caseLabel } from './types.js';

export const editCase: LocalMutation<'editCase'> = {
  name: 'editCase',
  caseId: (args) => args.caseId,
  summary: (args, context) => `Edit of ${caseLabel(context, args.caseId)}: ${Object.keys(args.changes).join(', ')}`,
  apply(context, { args, createdAt }) {
    const current = context.rows.get('service_request', args.caseId);
    if (!current) return;
    context.touch('service_request', args.caseId);
    const next = { ...current, ...args.changes, updatedAt: createdAt };
    if (args.changes.serviceTypeCode !== undefined) {
      next.agency = context.serviceType(args.changes.serviceTypeCode)?.agency ?? current.agency;
    }
    context.rows.put('service_request', next);
  },
};
