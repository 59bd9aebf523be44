// createCaller: a new resident record, usable for lookups and new cases at once.
import type { LocalMutation } from './types.js';

export const createCaller: LocalMutation<'createCaller'> = {
  name: 'createCaller',
  caseId: () => null,
  summary: (args) => `New caller ${args.name}`,
  apply(context, { args, createdAt }) {
    context.touch('caller', args.id);
    context.rows.put('caller', { ...args, createdAt, updatedAt: createdAt });
  },
};
