// The editor's state while a draft is open: the draft and the selected node. Every change is a
// named action, performed here without a DOM; the components only dispatch.
import {
  addNode,
  changeKind,
  deleteNode,
  freshNodeId,
  renameNode,
  retarget,
  undo,
  updateDocument,
  updateNode,
  type BranchRef,
  type DocumentPatch,
  type NodeKind,
  type NodePatch,
  type ProtocolDraft,
} from './draft.js';

export type EditorState = {
  draft: ProtocolDraft;
  /** The node whose form is open; null for the document's own settings. */
  selected: string | null;
};

export type EditorAction =
  | { type: 'select'; nodeId: string | null }
  | { type: 'edit-document'; patch: DocumentPatch }
  | { type: 'edit-node'; nodeId: string; patch: NodePatch }
  | { type: 'change-kind'; nodeId: string; kind: NodeKind }
  | { type: 'rename-node'; nodeId: string; newId: string }
  | { type: 'retarget'; nodeId: string; ref: BranchRef; target: string }
  /** A new node, as the target of a branch when `from` is given. */
  | { type: 'add-node'; kind: NodeKind; from: { nodeId: string; ref: BranchRef } | null }
  | { type: 'delete-node'; nodeId: string }
  | { type: 'undo' };

export function openEditor(draft: ProtocolDraft): EditorState {
  return { draft, selected: draft.document.start };
}

const exists = (draft: ProtocolDraft, nodeId: string | null) => nodeId !== null && draft.document.nodes.some((node) => node.id === nodeId);

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  const { draft } = state;
  switch (action.type) {
    case 'select':
      return { ...state, selected: action.nodeId === null || exists(draft, action.nodeId) ? action.nodeId : state.selected };
    case 'edit-document':
      return { ...state, draft: updateDocument(draft, action.patch) };
    case 'edit-node':
      return { ...state, draft: updateNode(draft, action.nodeId, action.patch) };
    case 'change-kind':
      return { ...state, draft: changeKind(draft, action.nodeId, action.kind) };
    case 'rename-node': {
      const renamed = renameNode(draft, action.nodeId, action.newId);
      return renamed === draft ? state : { draft: renamed, selected: state.selected === action.nodeId ? action.newId : state.selected };
    }
    case 'retarget':
      return { ...state, draft: retarget(draft, action.nodeId, action.ref, action.target) };
    case 'add-node': {
      const id = freshNodeId(draft.document, action.kind);
      const added = addNode(draft, action.kind, id, action.from);
      // The new node's form opens, since it has everything still to fill in.
      return added === draft ? state : { draft: added, selected: id };
    }
    case 'delete-node': {
      const deleted = deleteNode(draft, action.nodeId);
      return deleted === draft ? state : { draft: deleted, selected: state.selected === action.nodeId ? null : state.selected };
    }
    case 'undo': {
      const undone = undo(draft);
      return { draft: undone, selected: exists(undone, state.selected) ? state.selected : null };
    }
  }
}
