// The protocol editor's draft model and its actions: each operation, undo, and that no operation
// changes a draft (or the published version it came from) in place.
import { describe, expect, it } from 'vitest';
import {
  UNDO_LIMIT,
  addNode,
  branchesOf,
  canUndo,
  changeKind,
  deleteNode,
  draftFromPublished,
  knownFields,
  newProtocolDraft,
  renameNode,
  retarget,
  undo,
  updateDocument,
  updateNode,
  type DraftNode,
  type ProtocolDraft,
} from '../../../renderer/triage/editor/draft.js';
import { editorReducer, openEditor } from '../../../renderer/triage/editor/editor-state.js';
import { NOW, deepFreeze, laterVersion, starterPublished } from './protocol-editor-fixtures.js';

const published = starterPublished();

/** A noise draft whose document is frozen all the way down: changing it in place would throw. */
function frozenNoise(): ProtocolDraft {
  const draft = draftFromPublished(published, 'noise')!;
  deepFreeze(draft);
  return draft;
}

const node = (draft: ProtocolDraft, id: string): DraftNode | undefined => draft.document.nodes.find((candidate) => candidate.id === id);

describe('starting a draft', () => {
  it('starts a new version from the newest published one, numbered one above it, as a copy', () => {
    const v1 = published.find((entry) => entry.id === 'noise')!;
    const v2 = laterVersion(v1, 2, '2026-12-05T00:00:00Z');
    const draft = draftFromPublished([...published, v2], 'noise')!;
    expect(draft.document.version).toBe(3);
    expect(draft.basedOnVersion).toBe(2);
    expect(draft.document.nodes).toEqual(v2.document.nodes);
    expect(draft.document.nodes).not.toBe(v2.document.nodes);
    expect(canUndo(draft)).toBe(false);
    expect(draftFromPublished(published, 'graffiti')).toBeNull();
  });

  it('starts a new protocol from one question with its answers still to point somewhere', () => {
    const draft = newProtocolDraft({ id: 'graffiti', title: 'Graffiti', now: NOW });
    expect(draft.document).toMatchObject({ id: 'graffiti', version: 1, title: 'Graffiti', start: 'first_question', effectiveFrom: NOW.toISOString() });
    expect(draft.document.nodes).toEqual([{ id: 'first_question', kind: 'yes_no', prompt: '', yes: '', no: '' }]);
    expect(draft.basedOnVersion).toBeNull();
  });
});

describe('operations', () => {
  it('edits a node’s fields, clears optional ones, and ignores fields its kind does not have', () => {
    const draft = frozenNoise();
    const edited = updateNode(draft, 'party_address', { prompt: 'Where is the party?', help: 'Ask for the house number.' });
    expect(node(edited, 'party_address')).toMatchObject({ prompt: 'Where is the party?', help: 'Ask for the house number.' });
    const cleared = updateNode(edited, 'party_address', { help: undefined, yes: 'police_party' });
    expect(node(cleared, 'party_address')).not.toHaveProperty('help');
    expect(node(cleared, 'party_address')).not.toHaveProperty('yes');
    expect(node(draft, 'party_address')).toMatchObject({ prompt: 'What is the address the noise is coming from?' });
    // Nothing to change: the same draft, and no undo step.
    expect(updateNode(draft, 'party_address', { prompt: 'What is the address the noise is coming from?' })).toBe(draft);
    expect(updateNode(draft, 'no_such_node', { prompt: 'x' })).toBe(draft);
  });

  it('edits the document’s title, summary and start', () => {
    const draft = frozenNoise();
    const edited = updateDocument(draft, { title: 'Noise complaints', start: 'party_address' });
    expect(edited.document).toMatchObject({ title: 'Noise complaints', start: 'party_address' });
    expect(draft.document).toMatchObject({ title: 'Noise', start: 'source' });
    expect(updateDocument(draft, { title: 'Noise' })).toBe(draft);
  });

  it('retargets each kind of branch: an option, a condition, otherwise-next, yes and no', () => {
    const draft = frozenNoise();
    const option = retarget(draft, 'source', { kind: 'option', index: 2 }, 'party_address');
    expect(branchesOf(node(option, 'source')!).map((branch) => branch.target)).toEqual(['party_address', 'construction_address', 'party_address', 'other_address']);
    const condition = retarget(draft, 'construction_started', { kind: 'condition', index: 1 }, 'construction_daytime');
    const otherwise = retarget(condition, 'construction_started', { kind: 'next' }, 'construction_after_hours');
    expect(branchesOf(node(otherwise, 'construction_started')!).map((branch) => `${branch.label}:${branch.target}`)).toEqual([
      'If < 07:00:construction_after_hours',
      'If ≥ 20:00:construction_daytime',
      'Otherwise:construction_after_hours',
    ]);
    const yesNo = changeKind(draft, 'party_started', 'yes_no');
    const answered = retarget(retarget(yesNo, 'party_started', { kind: 'yes' }, 'police_party'), 'party_started', { kind: 'no' }, 'police_other');
    expect(node(answered, 'party_started')).toMatchObject({ yes: 'police_party', no: 'police_other' });
    // A branch the node does not have changes nothing.
    expect(retarget(draft, 'source', { kind: 'option', index: 9 }, 'police_party')).toBe(draft);
    expect(retarget(draft, 'police_party', { kind: 'next' }, 'source')).toBe(draft);
  });

  it('adds a node as the target of a branch, or unattached, with an id of its own', () => {
    const draft = frozenNoise();
    const added = addNode(draft, 'information', 'information_1', { nodeId: 'other_address', ref: { kind: 'next' } });
    expect(node(added, 'information_1')).toEqual({ id: 'information_1', kind: 'information', determinant: '', articleId: '', text: '' });
    expect(node(added, 'other_address')).toMatchObject({ next: 'information_1' });
    const loose = addNode(added, 'yes_no', 'yes_no_1');
    expect(node(loose, 'yes_no_1')).toEqual({ id: 'yes_no_1', kind: 'yes_no', prompt: '', yes: '', no: '' });
    expect(loose.document.start).toBe('source');
    // An id already used is refused.
    expect(addNode(added, 'police_report', 'information_1')).toBe(added);
  });

  it('deletes a node and leaves the branches that led to it pointing at its id', () => {
    const draft = frozenNoise();
    const deleted = deleteNode(draft, 'police_other');
    expect(node(deleted, 'police_other')).toBeUndefined();
    expect(node(deleted, 'other_address')).toMatchObject({ next: 'police_other' });
    expect(deleted.document.nodes).toHaveLength(draft.document.nodes.length - 1);
    expect(deleteNode(draft, 'no_such_node')).toBe(draft);
  });

  it('changes a node’s kind, keeping what both kinds share', () => {
    const draft = frozenNoise();
    const asked = changeKind(draft, 'party_started', 'free_text');
    expect(node(asked, 'party_started')).toEqual({ id: 'party_started', kind: 'free_text', prompt: 'What time did it start?', field: 'noise_started', maxLength: 500, next: 'police_party' });
    const outcome = changeKind(draft, 'police_party', 'fire_non_emergency');
    expect(node(outcome, 'police_party')).toMatchObject({ kind: 'fire_non_emergency', determinant: 'NE-NOI-1' });
    expect(changeKind(draft, 'police_party', 'police_report')).toBe(draft);
  });

  it('renames a node and every link to it, and refuses an id already taken', () => {
    const draft = frozenNoise();
    const renamed = renameNode(draft, 'source', 'noise_source');
    expect(renamed.document.start).toBe('noise_source');
    expect(node(renamed, 'noise_source')?.kind).toBe('choice');
    const construction = renameNode(draft, 'construction_after_hours', 'after_hours');
    expect(branchesOf(node(construction, 'construction_started')!).map((branch) => branch.target)).toEqual(['after_hours', 'after_hours', 'construction_daytime']);
    expect(renameNode(draft, 'source', 'party_address')).toBe(draft);
  });

  it('lists the fields the draft’s questions capture, for required-field pickers', () => {
    expect(knownFields(frozenNoise().document)).toEqual(['address', 'noise_source', 'noise_started']);
  });
});

describe('undo', () => {
  it('takes back each change in turn, to the document the draft started from', () => {
    const draft = frozenNoise();
    const one = deleteNode(draft, 'police_other');
    const two = retarget(one, 'other_address', { kind: 'next' }, 'police_party');
    const three = updateDocument(two, { title: 'Noise and music' });
    expect(undo(three).document).toBe(two.document);
    expect(undo(undo(three)).document).toBe(one.document);
    expect(undo(undo(undo(three))).document).toBe(draft.document);
    expect(canUndo(undo(undo(undo(three))))).toBe(false);
    expect(undo(draft)).toBe(draft);
  });

  it('takes back typing into one field as one change, and a change elsewhere as another', () => {
    const draft = frozenNoise();
    const typed = ['W', 'Wh', 'Whe', 'When'].reduce((current, prompt) => updateNode(current, 'party_started', { prompt }), draft);
    expect(typed.undoStack).toHaveLength(1);
    expect(undo(typed).document).toBe(draft.document);
    const other = updateNode(typed, 'party_address', { prompt: 'Where?' });
    const back = updateNode(other, 'party_started', { prompt: 'When did it start?' });
    expect(back.undoStack).toHaveLength(3);
    expect(node(undo(back), 'party_started')).toMatchObject({ prompt: 'When' });
  });

  it('keeps at most UNDO_LIMIT steps', () => {
    let draft = frozenNoise();
    for (let n = 0; n < UNDO_LIMIT + 5; n++) draft = updateDocument(draft, { title: `Noise ${n}`, summary: `Summary ${n}` });
    expect(draft.undoStack).toHaveLength(UNDO_LIMIT);
  });
});

describe('editorReducer', () => {
  it('selects a new node, forgets a deleted one, and keeps the selection through undo when it still exists', () => {
    const state = openEditor(frozenNoise());
    expect(state.selected).toBe('source');
    const added = editorReducer(state, { type: 'add-node', kind: 'police_report', from: { nodeId: 'other_address', ref: { kind: 'next' } } });
    expect(added.selected).toBe('police_report_1');
    expect(node(added.draft, 'other_address')).toMatchObject({ next: 'police_report_1' });
    const deleted = editorReducer(added, { type: 'delete-node', nodeId: 'police_report_1' });
    expect(deleted.selected).toBeNull();
    const undone = editorReducer(editorReducer(deleted, { type: 'select', nodeId: 'source' }), { type: 'undo' });
    expect(undone.selected).toBe('source');
    expect(node(undone.draft, 'police_report_1')).toBeDefined();
    // Selecting a node that does not exist keeps the selection.
    expect(editorReducer(undone, { type: 'select', nodeId: 'nope' }).selected).toBe('source');
    const renamed = editorReducer(undone, { type: 'rename-node', nodeId: 'source', newId: 'what' });
    expect(renamed.selected).toBe('what');
    expect(renamed.draft.document.start).toBe('what');
  });
});
