// linkCaller: attaches a case to a caller (or detaches it, for an anonymous report).
import type { LocalMutation } from './types.js';
import { caseLabel } from './types.js';

export const linkCaller: LocalMutation<'linkCaller'> = {
  name: 'linkCaller',
  caseId: (args) => args.caseId,
  summary: (args, context) => {
    const caller = args.callerId ? context.rows.get('caller', args.callerId)?.name ?? 'a caller' : null;
    return caller ? `Link ${caseLabel(context, args.caseId)} to ${caller}` : `Unlink the caller of ${caseLabel(context, args.caseId)}`;
  },
  apply(context, { args, createdAt }) {
    const current = context.rows.get('service_request', args.caseId);
    if (!current) return;
    context.touch('service_request', args.caseId);
    context.rows.put('service_request', { ...current, callerId: args.callerId, updatedAt: createdAt });
  },
};
