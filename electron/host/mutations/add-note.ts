// addNote: a line in a case's history, written by the signed-in agent.
import type { LocalMutation } from './types.js';
import { caseLabel } from './types.js';

export const addNote: LocalMutation<'addNote'> = {
  name: 'addNote',
  caseId: (args) => args.caseId,
  summary: (args, context) => `Note on ${caseLabel(context, args.caseId)}`,
  apply(context, { args, createdAt }) {
    if (context.rows.get('case_note', args.id)) return;
    context.touch('case_note', args.id);
    context.rows.put('case_note', { id: args.id, caseId: args.caseId, text: args.text, authorAgentId: context.agentId, createdAt });
  },
};
