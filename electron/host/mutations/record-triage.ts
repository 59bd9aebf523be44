// recordTriage: a finished triage run, held locally at once (the case view shows it offline) and
// synced for the audit; the server keeps it unchanged for good.
import type { LocalMutation } from './types.js';
import { caseLabel } from './types.js';

export const recordTriage: LocalMutation<'recordTriage'> = {
  name: 'recordTriage',
  caseId: (args) => args.caseId,
  summary: (args, context) => {
    const outcome = args.record.outcome?.determinant ?? 'no outcome';
    return args.caseId ? `Triage record (${outcome}) on ${caseLabel(context, args.caseId)}` : `Triage record (${outcome})`;
  },
  apply(context, { args, createdAt }) {
    if (context.rows.get('triage_record', args.id)) return;
    context.touch('triage_record', args.id);
    const { record } = args;
    context.rows.put('triage_record', {
      id: args.id,
      caseId: args.caseId,
      callId: args.callId,
      callTakerId: record.callTakerId,
      outcomeKind: record.outcome?.node.kind ?? null,
      determinant: record.outcome?.determinant ?? null,
      escalated: record.outcome?.escalated ?? false,
      startedAt: record.startedAt,
      elapsedMs: record.elapsedMs,
      record,
      createdAt,
    });
  },
};
