// Live validation of a draft: the validator on the document alone and on the protocol set with the
// draft in place of its published version, turned into issues that name a node the editor can
// select. Publishing is allowed only when there are none.
import type { PublishedProtocol } from '../../../shared/triage/published.js';
import { protocolsInEffect } from '../../../shared/triage/published.js';
import { SAFETY_SCREEN_ID } from '../../../shared/triage/starter/index.js';
import {
  validateProtocol,
  validateProtocolSet,
  type ProtocolError,
  type ProtocolErrorCode,
  type ServiceTypeCatalogue,
} from '../../../shared/triage/validate.js';
import type { DraftDocument } from './draft.js';

/** The validator's codes, and the server's own check that a draft is the next version. */
export type DraftIssueCode = ProtocolErrorCode | 'VERSION_NOT_NEXT';

export type DraftIssue = {
  /** Stable across re-validation, for React keys. */
  key: string;
  code: DraftIssueCode;
  protocolId: string | null;
  /** The node to select; null for the document as a whole (title, start, version). */
  nodeId: string | null;
  message: string;
  /** Found by the set check: a link to another protocol, or a loop between protocols. */
  fromSet: boolean;
};

export type DraftValidation = {
  issues: DraftIssue[];
  /** Issues by node id, for marking the tree. */
  byNode: ReadonlyMap<string, DraftIssue[]>;
  canPublish: boolean;
};

export type DraftContext = {
  published: readonly PublishedProtocol[];
  catalogue: ServiceTypeCatalogue;
  /** When the draft would take effect: the set it joins is the one in effect then. */
  at: Date;
};

/** The protocols in effect at `at`, with the draft in place of its own id's version. */
export function setWithDraft(document: DraftDocument, published: readonly PublishedProtocol[], at: Date): unknown[] {
  return [...protocolsInEffect(published, at).filter((protocol) => protocol.id !== document.id), document];
}

export function validateDraft(document: DraftDocument, { published, catalogue, at }: DraftContext): DraftValidation {
  const issues: DraftIssue[] = [];
  const keys = new Set<string>();
  const add = (error: Omit<DraftIssue, 'key'>) => {
    const key = `${error.code}|${error.protocolId}|${error.nodeId}|${error.message}`;
    if (keys.has(key)) return;
    keys.add(key);
    issues.push({ ...error, key });
  };

  const own = validateProtocol(document, catalogue);
  for (const error of own.errors) add({ ...fromValidator(error, document), fromSet: false });

  const newest = Math.max(0, ...published.filter((entry) => entry.id === document.id).map((entry) => entry.version));
  if (document.version !== newest + 1) {
    add({ code: 'VERSION_NOT_NEXT', protocolId: document.id, nodeId: null, message: `The next version of "${document.id}" is ${newest + 1}, not ${document.version}.`, fromSet: false });
  }

  // Until the draft parses, the set would only repeat that every link to it is broken.
  if (own.protocol) {
    // The set re-checks each document; `add` drops the draft's own errors found a second time.
    // Errors in other protocols are listed too: the server checks the whole set and would refuse.
    for (const error of setErrors(setWithDraft(document, published, at), catalogue)) add({ ...fromValidator(error, document), fromSet: true });
  }

  const byNode = new Map<string, DraftIssue[]>();
  for (const issue of issues) {
    if (issue.nodeId === null || issue.protocolId !== document.id) continue;
    byNode.set(issue.nodeId, [...(byNode.get(issue.nodeId) ?? []), issue]);
  }
  return { issues, byNode, canPublish: issues.length === 0 };
}

function setErrors(documents: readonly unknown[], catalogue: ServiceTypeCatalogue): ProtocolError[] {
  return validateProtocolSet(documents, catalogue, SAFETY_SCREEN_ID).errors;
}

/**
 * The validator names schema errors by path ("nodes.3.prompt: …") and a node without an id by its
 * index ("#3"); the list already names the node, so the message keeps only the field.
 */
function fromValidator(error: ProtocolError, document: DraftDocument): Omit<DraftIssue, 'key' | 'fromSet'> {
  let nodeId = error.nodeId;
  if (nodeId?.startsWith('#')) nodeId = document.nodes[Number(nodeId.slice(1))]?.id || null;
  const message = error.code === 'INVALID_DOCUMENT' ? error.message.replace(/^nodes\.\d+\./, '') : error.message;
  return { code: error.code, protocolId: error.protocolId, nodeId, message };
}

/** The error list's line for an issue: which node (or the document), then what is wrong. */
export function issueLabel(issue: DraftIssue, documentId: string): string {
  if (issue.protocolId !== null && issue.protocolId !== documentId) return `Protocol ${issue.protocolId}`;
  return issue.nodeId === null ? 'Document' : `Node ${issue.nodeId}`;
}
