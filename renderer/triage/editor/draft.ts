// A team lead's working copy of a triage protocol: a document that may be broken while it is being
// edited (the validator says how), changed only through the operations here, each of which returns
// a new draft and keeps the previous document for undo.
import type { PublishedProtocol } from '../../../shared/triage/published.js';
import {
  ProtocolNodeSchema,
  PROTOCOL_SCHEMA_VERSION,
  type ConditionOp,
  type TriageProtocolDocument,
} from '../../../shared/triage/protocol.js';

export type DraftDocument = TriageProtocolDocument;
export type DraftNode = DraftDocument['nodes'][number];
export type NodeKind = DraftNode['kind'];

export type ProtocolDraft = {
  readonly document: DraftDocument;
  /** Earlier documents, oldest first; undo takes the last one back. */
  readonly undoStack: readonly DraftDocument[];
  /** The published version this draft was started from; null for a brand-new protocol. */
  readonly basedOnVersion: number | null;
  /** The field the last change typed into: more typing there is the same change, undone at once. */
  readonly lastEdit: string | null;
};

/** Enough to undo a whole editing session without keeping every keystroke forever. */
export const UNDO_LIMIT = 200;

export const QUESTION_KINDS = ['yes_no', 'choice', 'number', 'free_text', 'address', 'plate', 'time'] as const;
export const OUTCOME_KINDS = ['return_to_911', 'police_report', 'fire_non_emergency', 'service_request', 'information'] as const;
export const NODE_KINDS: readonly NodeKind[] = [...QUESTION_KINDS, ...OUTCOME_KINDS, 'continue'];

export const NODE_KIND_LABELS: Record<NodeKind, string> = {
  yes_no: 'Yes / no question',
  choice: 'Choice question',
  number: 'Number question',
  free_text: 'Free-text question',
  address: 'Address question',
  plate: 'Plate question',
  time: 'Time question',
  return_to_911: 'Outcome: return to 911',
  police_report: 'Outcome: police report',
  fire_non_emergency: 'Outcome: fire non-emergency',
  service_request: 'Outcome: service request',
  information: 'Outcome: information',
  continue: 'Continue in another protocol',
};

const isQuestionKind = (kind: NodeKind) => (QUESTION_KINDS as readonly string[]).includes(kind);
const isOutcomeKind = (kind: NodeKind) => (OUTCOME_KINDS as readonly string[]).includes(kind);

// ---- Starting a draft -------------------------------------------------------------------------

/** A new version of a published protocol: the newest version's document, numbered one above it. */
export function draftFromPublished(published: readonly PublishedProtocol[], protocolId: string): ProtocolDraft | null {
  const versions = published.filter((entry) => entry.id === protocolId);
  if (versions.length === 0) return null;
  const newest = versions.reduce((best, entry) => (entry.version > best.version ? entry : best));
  const document = structuredClone(newest.document) as DraftDocument;
  return { document: { ...document, version: newest.version + 1 }, undoStack: [], basedOnVersion: newest.version, lastEdit: null };
}

/** A new protocol: one question to start from, its answers still to be pointed somewhere. */
export function newProtocolDraft({ id, title, now }: { id: string; title: string; now: Date }): ProtocolDraft {
  return {
    document: {
      schemaVersion: PROTOCOL_SCHEMA_VERSION,
      id,
      version: 1,
      title,
      summary: title,
      effectiveFrom: now.toISOString(),
      start: 'first_question',
      nodes: [blankNode('yes_no', 'first_question')],
    },
    undoStack: [],
    basedOnVersion: null,
    lastEdit: null,
  };
}

// ---- Branches ---------------------------------------------------------------------------------

/** Which of a node's outgoing links: a yes/no answer, a choice option, a condition, or `next`. */
export type BranchRef = { kind: 'yes' } | { kind: 'no' } | { kind: 'option'; index: number } | { kind: 'condition'; index: number } | { kind: 'next' };

export type Branch = { ref: BranchRef; label: string; target: string };

const OP_SYMBOLS: Record<ConditionOp, string> = { lt: '<', lte: '≤', gt: '>', gte: '≥', eq: '=', neq: '≠' };

/** A node's outgoing links in the order the call-taker meets them; outcomes and hand-offs have none. */
export function branchesOf(node: DraftNode): Branch[] {
  switch (node.kind) {
    case 'yes_no':
      return [
        { ref: { kind: 'yes' }, label: 'Yes', target: node.yes },
        { ref: { kind: 'no' }, label: 'No', target: node.no },
      ];
    case 'choice':
      return node.options.map((option, index) => ({ ref: { kind: 'option', index }, label: option.label || option.value || `Option ${index + 1}`, target: option.next }));
    case 'number':
    case 'time': {
      const conditions: Branch[] = (node.branches ?? []).map((branch, index) => ({
        ref: { kind: 'condition', index },
        label: `If ${OP_SYMBOLS[branch.when.op]} ${branch.when.value}`,
        target: branch.next,
      }));
      return [...conditions, { ref: { kind: 'next' }, label: conditions.length > 0 ? 'Otherwise' : 'Next', target: node.next }];
    }
    case 'free_text':
    case 'address':
    case 'plate':
      return [{ ref: { kind: 'next' }, label: 'Next', target: node.next }];
    default:
      return [];
  }
}

function withTarget(node: DraftNode, ref: BranchRef, target: string): DraftNode {
  switch (ref.kind) {
    case 'yes':
      return node.kind === 'yes_no' ? { ...node, yes: target } : node;
    case 'no':
      return node.kind === 'yes_no' ? { ...node, no: target } : node;
    case 'option':
      if (node.kind !== 'choice' || !node.options[ref.index]) return node;
      return { ...node, options: replaceAt(node.options, ref.index, { ...node.options[ref.index]!, next: target }) };
    case 'condition':
      if ((node.kind !== 'number' && node.kind !== 'time') || !node.branches?.[ref.index]) return node;
      if (node.kind === 'number') return { ...node, branches: replaceAt(node.branches, ref.index, { ...node.branches[ref.index]!, next: target }) };
      return { ...node, branches: replaceAt(node.branches, ref.index, { ...node.branches[ref.index]!, next: target }) };
    case 'next':
      return 'next' in node ? { ...node, next: target } : node;
  }
}

// ---- Array helpers the forms use to edit options, conditions and required fields ------------------

export function replaceAt<T>(items: readonly T[], index: number, item: T): T[] {
  return items.map((existing, at) => (at === index ? item : existing));
}

export function removeAt<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, at) => at !== index);
}

/** Every field the draft's questions capture, for picking an outcome's required fields. */
export function knownFields(document: DraftDocument): string[] {
  const fields = new Set<string>();
  for (const node of document.nodes) {
    if ('field' in node && node.field) fields.add(node.field);
    if (node.kind === 'service_request') for (const field of node.requiredFields) fields.add(field);
  }
  return [...fields].sort();
}

// ---- Operations -------------------------------------------------------------------------------

function commit(draft: ProtocolDraft, document: DraftDocument, edit: string | null = null): ProtocolDraft {
  if (document === draft.document) return draft;
  if (edit !== null && edit === draft.lastEdit) return { ...draft, document };
  return { ...draft, document, undoStack: [...draft.undoStack, draft.document].slice(-UNDO_LIMIT), lastEdit: edit };
}

function mapNode(draft: ProtocolDraft, nodeId: string, change: (node: DraftNode) => DraftNode, edit: string | null = null): ProtocolDraft {
  const index = draft.document.nodes.findIndex((node) => node.id === nodeId);
  if (index < 0) return draft;
  const node = draft.document.nodes[index]!;
  const changed = change(node);
  if (changed === node) return draft;
  return commit(draft, { ...draft.document, nodes: replaceAt(draft.document.nodes, index, changed) }, edit);
}

export function canUndo(draft: ProtocolDraft): boolean {
  return draft.undoStack.length > 0;
}

export function undo(draft: ProtocolDraft): ProtocolDraft {
  const previous = draft.undoStack[draft.undoStack.length - 1];
  if (!previous) return draft;
  return { ...draft, document: previous, undoStack: draft.undoStack.slice(0, -1), lastEdit: null };
}

export type DocumentPatch = Partial<Pick<DraftDocument, 'title' | 'summary' | 'start'>>;

export function updateDocument(draft: ProtocolDraft, patch: DocumentPatch): ProtocolDraft {
  const keys = Object.keys(patch) as Array<keyof DocumentPatch>;
  if (keys.every((key) => draft.document[key] === patch[key])) return draft;
  return commit(draft, { ...draft.document, ...patch }, editKey('document', keys));
}

/** Typing into one field is one change; anything else is a change of its own. */
function editKey(target: string, keys: readonly string[]): string | null {
  return keys.length === 1 ? `${target}.${keys[0]}` : null;
}

type KeysOfUnion<T> = T extends unknown ? keyof T : never;
type ValueInUnion<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;
/** Any field of any node kind but its id and kind; `undefined` clears an optional field. */
export type NodePatch = { [K in Exclude<KeysOfUnion<DraftNode>, 'id' | 'kind'>]?: ValueInUnion<DraftNode, K> | undefined };

const FIELDS_BY_KIND = new Map<string, ReadonlySet<string>>(
  ProtocolNodeSchema.options.map((option) => [option.shape.kind.value, new Set(Object.keys(option.shape))]),
);

/** Edits a node's own fields; fields its kind does not have are ignored rather than smuggled in. */
export function updateNode(draft: ProtocolDraft, nodeId: string, patch: NodePatch): ProtocolDraft {
  return mapNode(draft, nodeId, (node) => {
    const allowed = FIELDS_BY_KIND.get(node.kind)!;
    const next: Record<string, unknown> = { ...node };
    let changed = false;
    for (const [key, value] of Object.entries(patch)) {
      if (!allowed.has(key) || key === 'id' || key === 'kind' || next[key] === value) continue;
      changed = true;
      if (value === undefined) delete next[key];
      else next[key] = value;
    }
    return changed ? (next as DraftNode) : node;
  }, editKey(`node:${nodeId}`, Object.keys(patch)));
}

/** Points one branch of a node at another node (which need not exist yet: the validator says so). */
export function retarget(draft: ProtocolDraft, nodeId: string, ref: BranchRef, target: string): ProtocolDraft {
  return mapNode(draft, nodeId, (node) => {
    const current = branchesOf(node).find((branch) => sameRef(branch.ref, ref));
    return current && current.target !== target ? withTarget(node, ref, target) : node;
  });
}

export function sameRef(a: BranchRef, b: BranchRef): boolean {
  return a.kind === b.kind && ('index' in a ? a.index : -1) === ('index' in b ? b.index : -1);
}

/** An id nobody uses yet, named after the kind: `police_report_2`. */
export function freshNodeId(document: DraftDocument, kind: NodeKind): string {
  const taken = new Set(document.nodes.map((node) => node.id));
  for (let n = 1; ; n++) if (!taken.has(`${kind}_${n}`)) return `${kind}_${n}`;
}

/** A node of the kind with nothing filled in; questions lead to `target` until someone picks better. */
export function blankNode(kind: NodeKind, id: string, target = ''): DraftNode {
  switch (kind) {
    case 'yes_no':
      return { id, kind, prompt: '', yes: target, no: target };
    case 'choice':
      return { id, kind, prompt: '', options: [] };
    case 'number':
    case 'time':
    case 'address':
    case 'plate':
      return { id, kind, prompt: '', next: target };
    case 'free_text':
      return { id, kind, prompt: '', maxLength: 500, next: target };
    case 'return_to_911':
    case 'police_report':
    case 'fire_non_emergency':
      return { id, kind, determinant: '' };
    case 'service_request':
      return { id, kind, determinant: '', serviceTypeCode: '', department: '', priority: 'standard', requiredFields: [] };
    case 'information':
      return { id, kind, determinant: '', articleId: '', text: '' };
    case 'continue':
      return { id, kind, protocolId: '' };
  }
}

/**
 * Adds a node. With `from`, the new node becomes the target of that branch; without, it starts out
 * unreachable (listed apart until something leads to it). The first node of an empty document is its start.
 */
export function addNode(draft: ProtocolDraft, kind: NodeKind, id: string, from: { nodeId: string; ref: BranchRef } | null = null): ProtocolDraft {
  if (draft.document.nodes.some((node) => node.id === id)) return draft;
  let nodes = [...draft.document.nodes, blankNode(kind, id)];
  if (from) {
    const index = nodes.findIndex((node) => node.id === from.nodeId);
    if (index < 0) return draft;
    nodes = replaceAt(nodes, index, withTarget(nodes[index]!, from.ref, id));
  }
  const start = draft.document.nodes.length === 0 ? id : draft.document.start;
  return commit(draft, { ...draft.document, start, nodes });
}

/** Removes a node. Branches that led to it keep its id, so the validator names each one left dangling. */
export function deleteNode(draft: ProtocolDraft, nodeId: string): ProtocolDraft {
  const nodes = draft.document.nodes.filter((node) => node.id !== nodeId);
  if (nodes.length === draft.document.nodes.length) return draft;
  return commit(draft, { ...draft.document, nodes });
}

/** Turns a node into another kind, keeping what both kinds share (prompt, field, targets, determinant). */
export function changeKind(draft: ProtocolDraft, nodeId: string, kind: NodeKind): ProtocolDraft {
  return mapNode(draft, nodeId, (node) => {
    if (node.kind === kind) return node;
    const firstTarget = branchesOf(node)[0]?.target ?? '';
    const next = blankNode(kind, node.id, firstTarget) as Record<string, unknown>;
    const keep = isQuestionKind(node.kind) && isQuestionKind(kind) ? ['prompt', 'help', 'field'] : isOutcomeKind(node.kind) && isOutcomeKind(kind) ? ['determinant', 'script'] : [];
    for (const key of keep) {
      const value = (node as Record<string, unknown>)[key];
      if (value !== undefined) next[key] = value;
    }
    return next as DraftNode;
  });
}

/** Renames a node and every link to it; refused (the draft comes back unchanged) if the id is taken. */
export function renameNode(draft: ProtocolDraft, nodeId: string, newId: string): ProtocolDraft {
  const { document } = draft;
  if (nodeId === newId || !document.nodes.some((node) => node.id === nodeId) || document.nodes.some((node) => node.id === newId)) return draft;
  const nodes = document.nodes.map((node) => {
    let renamed: DraftNode = node.id === nodeId ? { ...node, id: newId } : node;
    for (const branch of branchesOf(renamed)) if (branch.target === nodeId) renamed = withTarget(renamed, branch.ref, newId);
    return renamed;
  });
  return commit(draft, { ...document, start: document.start === nodeId ? newId : document.start, nodes });
}
