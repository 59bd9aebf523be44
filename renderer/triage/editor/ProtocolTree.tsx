// The draft as a tree: the start node down along its branches, nodes with errors marked, shared
// nodes linked "see above", unreachable nodes apart. The rows come from tree.ts.
import type { CSSProperties } from 'react';
import type { DraftDocument } from './draft.js';
import { buildProtocolTree, type TreeRow } from './tree.js';

export type ProtocolTreeProps = {
  document: DraftDocument;
  selected: string | null;
  /** Node ids with validation errors. */
  withErrors: ReadonlySet<string>;
  onSelect: (nodeId: string) => void;
};

export function ProtocolTree({ document, selected, withErrors, onSelect }: ProtocolTreeProps) {
  const tree = buildProtocolTree(document);
  const rows = (list: TreeRow[]) => (
    <ul className="protocol-tree__rows">
      {list.map((row, index) => (
        <TreeRowItem key={`${index}:${row.nodeId}`} row={row} selected={selected} withErrors={withErrors} onSelect={onSelect} />
      ))}
    </ul>
  );
  return (
    <nav className="protocol-tree" aria-label="Protocol tree" data-testid="protocol-tree">
      {rows(tree.rows)}
      {tree.unreachable.length > 0 && (
        <section className="protocol-tree__unreachable" data-testid="protocol-unreachable">
          <h3>Not reached from the start</h3>
          {rows(tree.unreachable)}
        </section>
      )}
    </nav>
  );
}

function TreeRowItem({ row, selected, withErrors, onSelect }: { row: TreeRow; selected: string | null; withErrors: ReadonlySet<string>; onSelect: (nodeId: string) => void }) {
  const via = row.via && <span className="protocol-tree__via">{row.via.label} →</span>;
  const style = { '--depth': row.depth } as CSSProperties;
  if (row.type === 'node') {
    const invalid = withErrors.has(row.nodeId);
    const classes = ['protocol-tree__node', `protocol-tree__node--${row.kind}`, invalid ? 'protocol-tree__node--invalid' : '', selected === row.nodeId ? 'protocol-tree__node--selected' : ''];
    return (
      <li className="protocol-tree__row" style={style}>
        {via}
        <button
          type="button"
          className={classes.filter(Boolean).join(' ')}
          data-testid={`protocol-node-${row.nodeId}`}
          data-invalid={invalid ? 'true' : undefined}
          aria-current={selected === row.nodeId ? 'true' : undefined}
          onClick={() => onSelect(row.nodeId)}
        >
          <code>{row.nodeId}</code> {row.title}
          {invalid && <span className="protocol-tree__flag"> · has errors</span>}
        </button>
      </li>
    );
  }
  if (row.type === 'see-above') {
    return (
      <li className="protocol-tree__row" style={style}>
        {via}
        <button type="button" className="link-button" data-testid={`protocol-see-above-${row.nodeId}`} onClick={() => onSelect(row.nodeId)}>
          {row.loop ? 'loops back to' : 'see above:'} {row.nodeId}
        </button>
      </li>
    );
  }
  return (
    <li className="protocol-tree__row protocol-tree__row--missing" style={style}>
      {via}
      {/* Fixed in the parent's form, where the branch's target is picked. */}
      <button type="button" className="link-button" onClick={() => row.via && onSelect(row.via.parentId)}>
        {row.nodeId ? `missing node ${row.nodeId}` : 'no target yet'}
      </button>
    </li>
  );
}
