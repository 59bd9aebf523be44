// The catalogue of local mutation effects, one module per mutation name in shared/mutations.ts.
import type { MutationName } from '../../../shared/mutations.js';
import { addNote } from './add-note.js';
import { changeStatus } from './change-status.js';
import { createCase } from './create-case.js';
import { createCaller } from './create-caller.js';
import { editCase } from './edit-case.js';
import { linkCaller } from './link-caller.js';
import { recordTriage } from './record-triage.js';
import { recordViews } from './record-views.js';
import { resolveConflict } from './resolve-conflict.js';
import type { EffectContext, LocalMutation, StoredMutation } from './types.js';

export type { EffectContext, StoredMutation } from './types.js';

const LOCAL_MUTATIONS: { [N in MutationName]: LocalMutation<N> } = {
  createCaller, createCase, editCase, changeStatus, linkCaller, addNote, resolveConflict, recordTriage, recordViews,
};

function localMutation<N extends MutationName>(name: N): LocalMutation<N> {
  return LOCAL_MUTATIONS[name];
}

export function applyLocalEffect(context: EffectContext, mutation: StoredMutation): void {
  localMutation(mutation.name).apply(context, mutation as never);
}

export function describeMutation(context: EffectContext, mutation: Pick<StoredMutation, 'name' | 'args'>): { summary: string; caseId: string | null } {
  const local = localMutation(mutation.name);
  return { summary: local.summary(mutation.args as never, context), caseId: local.caseId(mutation.args as never, context) };
}
