// changeStatus: open ⇄ in progress → closed, and reopening; the server checks the transition.
import type { LocalMutation } from './types.js';
import { caseLabel } from './types.js';

export const changeStatus: LocalMutation<'changeStatus'> = {
  name: 'changeStatus',
  caseId: (args) => args.caseId,
  summary: (args, context) => `Status of ${caseLabel(context, args.caseId)} → ${args.status}`,
  apply(context, { args, createdAt }) {
    const current = context.rows.get('service_request', args.caseId);
    if (!current) return;
    context.touch('service_request', args.caseId);
    context.rows.put('service_request', {
      ...current,
      status: args.status,
      closedAt: args.status === 'closed' ? (current.closedAt ?? createdAt) : null,
      updatedAt: createdAt,
    });
  },
};
