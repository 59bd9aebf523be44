// recordTriage: a finished triage run, held locally at once (the case view shows it offline) and
// synced for the audit; the server keeps it unchanged for good.
import { triageRecordRow } from '../../../shared/triage/published.js';
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
    context.rows.put('triage_record', triageRecordRow(args, createdAt));
  },
};
