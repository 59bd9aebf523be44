// resolveConflict: the agent keeps the value the case has, or takes the losing one as a new edit.
import type { LocalMutation } from './types.js';

export const resolveConflict: LocalMutation<'resolveConflict'> = {
  name: 'resolveConflict',
  caseId: (args, context) => context.rows.get('case_conflict', args.conflictId)?.caseId ?? null,
  summary: (args, context) => {
    const conflict = context.rows.get('case_conflict', args.conflictId);
    const what = conflict ? `${conflict.field} of ${context.rows.get('service_request', conflict.caseId)?.reference ?? 'a case'}` : 'a conflict';
    return args.resolution === 'keep' ? `Keep the current ${what}` : `Take the other value of ${what}`;
  },
  apply(context, { args, createdAt }) {
    const conflict = context.rows.get('case_conflict', args.conflictId);
    if (!conflict || conflict.resolvedAt !== null) return;
    context.touch('case_conflict', conflict.id);
    context.rows.put('case_conflict', { ...conflict, resolvedAt: createdAt, resolvedBy: context.agentId, resolution: args.resolution });
    if (args.resolution !== 'take_losing') return;
    const current = context.rows.get('service_request', conflict.caseId);
    if (!current) return;
    context.touch('service_request', current.id);
    const next = { ...current, [conflict.field]: conflict.losingValue, updatedAt: createdAt };
    if (conflict.field === 'status') next.closedAt = next.status === 'closed' ? (current.closedAt ?? createdAt) : null;
    context.rows.put('service_request', next);
  },
};
