// The editor's tree: a protocol's nodes from the start node down along their branches. A node
// reached a second time (two answers leading to it, or a loop back) is shown once and linked
// "see above" after that; nodes no path reaches are listed apart so they can be fixed or deleted.
import { branchesOf, type BranchRef, type DraftDocument, type DraftNode, type NodeKind } from './draft.js';

/** How a row was reached: which branch of which node. Null for the start and unreachable roots. */
export type TreeVia = { parentId: string; ref: BranchRef; label: string } | null;

export type TreeRow =
  | { type: 'node'; nodeId: string; depth: number; via: TreeVia; kind: NodeKind; title: string }
  /** Shown in full elsewhere; `loop` when it is one of this row's own ancestors. */
  | { type: 'see-above'; nodeId: string; depth: number; via: TreeVia; loop: boolean }
  /** A branch that leads nowhere: no target yet, or one that does not exist. */
  | { type: 'missing'; nodeId: string; depth: number; via: TreeVia };

export type ProtocolTree = { rows: TreeRow[]; unreachable: TreeRow[] };

const OUTCOME_TITLES: Partial<Record<NodeKind, string>> = {
  return_to_911: 'Return to 911',
  police_report: 'Police report',
  fire_non_emergency: 'Fire non-emergency',
  information: 'Information',
};

/** One line for a node: its question, or what the outcome does. */
export function nodeTitle(node: DraftNode): string {
  switch (node.kind) {
    case 'service_request':
      return `Service request ${node.serviceTypeCode || '(no type)'} · ${node.determinant || 'no determinant'}`;
    case 'continue':
      return `Continue in ${node.protocolId || '(no protocol)'}`;
    case 'return_to_911':
    case 'police_report':
    case 'fire_non_emergency':
    case 'information':
      return `${OUTCOME_TITLES[node.kind]} · ${node.determinant || 'no determinant'}`;
    default:
      return node.prompt.trim() || '(no question yet)';
  }
}

export function buildProtocolTree(document: DraftDocument): ProtocolTree {
  const byId = new Map<string, DraftNode>();
  for (const node of document.nodes) if (!byId.has(node.id)) byId.set(node.id, node);
  const shown = new Set<string>();
  const rows = walk(document.start, byId, shown);
  const unreachable: TreeRow[] = [];
  // Each node no path from the start reaches roots its own walk; ones a previous walk showed link back.
  for (const node of byId.values()) if (!shown.has(node.id)) unreachable.push(...walk(node.id, byId, shown));
  return { rows, unreachable };
}

type Pending = { nodeId: string; depth: number; via: TreeVia } | { leave: string };

/** Depth-first, with its own stack: a long or looping protocol can neither overflow nor hang it. */
function walk(rootId: string, byId: ReadonlyMap<string, DraftNode>, shown: Set<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  // The nodes on the path from the root to the row being added: a link back to one is a loop.
  const onPath = new Set<string>();
  const stack: Pending[] = [{ nodeId: rootId, depth: 0, via: null }];
  while (stack.length > 0) {
    const pending = stack.pop()!;
    if ('leave' in pending) {
      onPath.delete(pending.leave);
      continue;
    }
    const { nodeId, depth, via } = pending;
    const node = byId.get(nodeId);
    if (!node) {
      rows.push({ type: 'missing', nodeId, depth, via });
      continue;
    }
    if (shown.has(nodeId)) {
      rows.push({ type: 'see-above', nodeId, depth, via, loop: onPath.has(nodeId) });
      continue;
    }
    shown.add(nodeId);
    onPath.add(nodeId);
    rows.push({ type: 'node', nodeId, depth, via, kind: node.kind, title: nodeTitle(node) });
    stack.push({ leave: nodeId });
    const children = branchesOf(node).map((branch) => ({ nodeId: branch.target, depth: depth + 1, via: { parentId: nodeId, ref: branch.ref, label: branch.label } }));
    // Reversed onto the stack so the first branch is shown first.
    for (let index = children.length - 1; index >= 0; index--) stack.push(children[index]!);
  }
  return rows;
}
