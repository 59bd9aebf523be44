// recordViews: views of callers and cases made on this desk, carried to the server's audit log.
// No local effect and no case: the outbox only keeps them until the server has them.
import type { LocalMutation } from './types.js';

export const recordViews: LocalMutation<'recordViews'> = {
  name: 'recordViews',
  caseId: () => null,
  summary: (args) => `${args.views.length} record view${args.views.length === 1 ? '' : 's'} for the audit log`,
  apply() {},
};
