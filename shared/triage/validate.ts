// Checks a triage protocol, and a set of linked protocols, before anyone can run it: on load and
// on publish. Every error names the protocol and node it is about and has a code of its own.
import type { z } from 'zod';
import {
  TriageProtocolSchema,
  isOutcome,
  nodeMap,
  successors,
  type ProtocolNode,
  type TriageProtocol,
} from './protocol.js';

export const PROTOCOL_ERROR_CODES = {
  INVALID_DOCUMENT: 'The document does not match the protocol schema.',
  DUPLICATE_NODE_ID: 'Two nodes share an id.',
  UNKNOWN_START: 'The start node does not exist.',
  UNKNOWN_NODE: 'A branch leads to a node that does not exist.',
  CYCLE: 'A path comes back to a node it has passed.',
  NO_OUTCOME: 'No path from this node ends in an outcome.',
  UNREACHABLE_NODE: 'No path from the start reaches this node.',
  EMPTY_CHOICES: 'A choice question has no options.',
  DUPLICATE_CHOICE: 'Two options of a choice question share a value or label.',
  INVALID_RANGE: 'A number question allows nothing (min above max).',
  CONDITION_OUT_OF_RANGE: 'A branch compares with a value the question never accepts.',
  UNKNOWN_SERVICE_TYPE: 'The service type is not in the catalogue.',
  INACTIVE_SERVICE_TYPE: 'The service type no longer takes new requests.',
  UNKNOWN_DEPARTMENT: 'No service type in the catalogue belongs to this department.',
  DEPARTMENT_MISMATCH: 'The service type belongs to another department.',
  REQUIRED_FIELD_NOT_ASKED: 'A path reaches the outcome without asking a field it requires.',
  DUPLICATE_PROTOCOL: 'The set holds two documents with the same id.',
  UNKNOWN_PROTOCOL: 'A continue node names a protocol the set does not hold.',
  PROTOCOL_CYCLE: 'Protocols continue into each other in a loop.',
  UNKNOWN_ENTRY: 'The set has no protocol with the entry id.',
} as const;

export type ProtocolErrorCode = keyof typeof PROTOCOL_ERROR_CODES;

export type ProtocolError = {
  code: ProtocolErrorCode;
  /** Null only when the document is too broken to have an id. */
  protocolId: string | null;
  /** Null for errors about the document or set as a whole. */
  nodeId: string | null;
  message: string;
};

/** The service types a protocol may open cases for: the caller passes the synced catalogue. */
export type ServiceTypeCatalogue = ReadonlyArray<{ code: string; agency: string; active?: boolean }>;

declare const validated: unique symbol;
/** Protocols that passed `validateProtocolSet`; the runner takes nothing else. */
export type ProtocolLibrary = {
  readonly entry: string;
  readonly protocols: ReadonlyMap<string, TriageProtocol>;
  readonly [validated]: true;
};

export type ProtocolCheck = { ok: true; protocol: TriageProtocol; errors: [] } | { ok: false; protocol: TriageProtocol | null; errors: ProtocolError[] };

function schemaErrors(input: unknown, issues: z.core.$ZodIssue[]): ProtocolError[] {
  const document = (typeof input === 'object' && input !== null ? input : {}) as { id?: unknown; nodes?: unknown };
  const protocolId = typeof document.id === 'string' ? document.id : null;
  return issues.map((issue) => {
    let nodeId: string | null = null;
    const [first, index] = issue.path;
    if (first === 'nodes' && typeof index === 'number' && Array.isArray(document.nodes)) {
      const node = document.nodes[index] as { id?: unknown } | undefined;
      nodeId = typeof node?.id === 'string' ? node.id : `#${index}`;
    }
    return { code: 'INVALID_DOCUMENT', protocolId, nodeId, message: `${issue.path.map(String).join('.') || '(document)'}: ${issue.message}` };
  });
}

/** One protocol on its own: structure, branches, outcomes and the fields they need. */
export function validateProtocol(input: unknown, catalogue: ServiceTypeCatalogue): ProtocolCheck {
  const parsed = TriageProtocolSchema.safeParse(input);
  if (!parsed.success) return { ok: false, protocol: null, errors: schemaErrors(input, parsed.error.issues) };
  const protocol = parsed.data;
  const errors: ProtocolError[] = [];
  const report = (code: ProtocolErrorCode, nodeId: string | null, detail: string) =>
    errors.push({ code, protocolId: protocol.id, nodeId, message: `${PROTOCOL_ERROR_CODES[code]} ${detail}`.trim() });

  const byId = nodeMap(protocol);
  const seen = new Set<string>();
  for (const node of protocol.nodes) {
    if (seen.has(node.id)) report('DUPLICATE_NODE_ID', node.id, `"${node.id}" appears more than once.`);
    seen.add(node.id);
  }
  if (!byId.has(protocol.start)) report('UNKNOWN_START', protocol.start, `Start is "${protocol.start}".`);

  let brokenLinks = false;
  for (const node of byId.values()) {
    for (const next of new Set(successors(node))) {
      if (!byId.has(next)) {
        brokenLinks = true;
        report('UNKNOWN_NODE', node.id, `"${node.id}" leads to "${next}".`);
      }
    }
    checkNodeContent(node, catalogue, report);
  }

  const reachable = reachableFrom(protocol.start, byId);
  // With no start, every node is unreachable: that is one mistake, already reported.
  if (byId.has(protocol.start)) for (const id of byId.keys()) if (!reachable.has(id)) report('UNREACHABLE_NODE', id, `"${id}".`);

  const cycleEntries = findCycleEntries(protocol.start, byId);
  for (const id of cycleEntries) report('CYCLE', id, `The loop comes back to "${id}".`);

  const canEnd = nodesThatCanEnd(byId);
  for (const id of reachable) if (!canEnd.has(id)) report('NO_OUTCOME', id, `"${id}".`);

  // Which fields are asked on every path needs a finished acyclic graph; the errors above come first.
  if (cycleEntries.length === 0 && !brokenLinks && byId.has(protocol.start)) {
    const asked = fieldsAskedOnEveryPath(protocol.start, byId);
    for (const node of byId.values()) {
      if (node.kind !== 'service_request' || !reachable.has(node.id)) continue;
      const have = asked.get(node.id) ?? new Set<string>();
      const missing = node.requiredFields.filter((field) => !have.has(field));
      if (missing.length > 0) report('REQUIRED_FIELD_NOT_ASKED', node.id, `"${node.id}" needs ${missing.join(', ')}.`);
    }
  }

  return errors.length === 0 ? { ok: true, protocol, errors: [] } : { ok: false, protocol, errors };
}

type Report = (code: ProtocolErrorCode, nodeId: string | null, detail: string) => void;

function checkNodeContent(node: ProtocolNode, catalogue: ServiceTypeCatalogue, report: Report): void {
  if (node.kind === 'choice') {
    if (node.options.length === 0) report('EMPTY_CHOICES', node.id, `"${node.id}".`);
    const values = new Set<string>();
    const labels = new Set<string>();
    for (const option of node.options) {
      const label = option.label.toLowerCase();
      if (values.has(option.value) || labels.has(label)) report('DUPLICATE_CHOICE', node.id, `"${option.value}" / "${option.label}".`);
      values.add(option.value);
      labels.add(label);
    }
  }
  if (node.kind === 'number') {
    const min = node.min ?? -Infinity;
    const max = node.max ?? Infinity;
    if (min > max) report('INVALID_RANGE', node.id, `min ${min} is above max ${max}.`);
    else {
      for (const branch of node.branches ?? []) {
        if (branch.when.value < min || branch.when.value > max) {
          report('CONDITION_OUT_OF_RANGE', node.id, `${branch.when.op} ${branch.when.value} is outside ${min}..${max}.`);
        }
      }
    }
  }
  if (node.kind === 'service_request') {
    const type = catalogue.find((entry) => entry.code === node.serviceTypeCode);
    if (!type) report('UNKNOWN_SERVICE_TYPE', node.id, `"${node.serviceTypeCode}".`);
    else if (type.active === false) report('INACTIVE_SERVICE_TYPE', node.id, `"${node.serviceTypeCode}".`);
    if (!catalogue.some((entry) => entry.agency === node.department)) report('UNKNOWN_DEPARTMENT', node.id, `"${node.department}".`);
    else if (type && type.agency !== node.department) {
      report('DEPARTMENT_MISMATCH', node.id, `"${node.serviceTypeCode}" belongs to ${type.agency}, not ${node.department}.`);
    }
  }
}

function reachableFrom(start: string, byId: ReadonlyMap<string, ProtocolNode>): Set<string> {
  const reached = new Set<string>();
  const queue = byId.has(start) ? [start] : [];
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    for (const next of successors(byId.get(id)!)) if (byId.has(next) && !reached.has(next)) queue.push(next);
  }
  return reached;
}

/** Nodes where a path loops back to itself (each loop named once, by the node it returns to). */
function findCycleEntries(start: string, byId: ReadonlyMap<string, ProtocolNode>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const entries = new Set<string>();
  // Iterative depth-first search, so a long protocol cannot overflow the stack.
  const roots = [start, ...byId.keys()].filter((id) => byId.has(id));
  for (const root of roots) {
    if (state.has(root)) continue;
    const stack: Array<{ id: string; next: string[] }> = [{ id: root, next: successors(byId.get(root)!) }];
    state.set(root, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = top.next.shift();
      if (next === undefined) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      if (!byId.has(next)) continue;
      const seen = state.get(next);
      if (seen === 'open') entries.add(next);
      if (seen === undefined) {
        state.set(next, 'open');
        stack.push({ id: next, next: successors(byId.get(next)!) });
      }
    }
  }
  return [...entries];
}

/** Outcomes and hand-offs end a path; a node can end if some successor can. */
function nodesThatCanEnd(byId: ReadonlyMap<string, ProtocolNode>): Set<string> {
  const canEnd = new Set<string>();
  for (const node of byId.values()) if (isOutcome(node) || node.kind === 'continue') canEnd.add(node.id);
  let grew = true;
  while (grew) {
    grew = false;
    for (const node of byId.values()) {
      if (!canEnd.has(node.id) && successors(node).some((next) => canEnd.has(next))) {
        canEnd.add(node.id);
        grew = true;
      }
    }
  }
  return canEnd;
}

/** For each node, the fields asked on every path from the start to it (the graph is acyclic). */
function fieldsAskedOnEveryPath(start: string, byId: ReadonlyMap<string, ProtocolNode>): Map<string, Set<string>> {
  const order = topologicalOrder(start, byId);
  const asked = new Map<string, Set<string>>([[start, new Set()]]);
  for (const id of order) {
    const node = byId.get(id)!;
    const before = asked.get(id) ?? new Set<string>();
    const after = new Set(before);
    if ('field' in node && node.field) after.add(node.field);
    for (const next of successors(node)) {
      const known = asked.get(next);
      asked.set(next, known ? new Set([...known].filter((field) => after.has(field))) : new Set(after));
    }
  }
  return asked;
}

function topologicalOrder(start: string, byId: ReadonlyMap<string, ProtocolNode>): string[] {
  const reachable = reachableFrom(start, byId);
  const incoming = new Map<string, number>([...reachable].map((id) => [id, 0]));
  for (const id of reachable) for (const next of successors(byId.get(id)!)) incoming.set(next, (incoming.get(next) ?? 0) + 1);
  const ready = [...reachable].filter((id) => incoming.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    order.push(id);
    for (const next of successors(byId.get(id)!)) {
      const left = incoming.get(next)! - 1;
      incoming.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return order;
}

export type ProtocolSetCheck = { ok: true; library: ProtocolLibrary; errors: [] } | { ok: false; errors: ProtocolError[] };

/**
 * A set of linked protocols: each one valid on its own, one document per id, every `continue`
 * resolving to a document of the set, and no loop between documents. `entry` is the protocol every
 * run starts with (the safety screen).
 */
export function validateProtocolSet(inputs: readonly unknown[], catalogue: ServiceTypeCatalogue, entry: string): ProtocolSetCheck {
  const errors: ProtocolError[] = [];
  const protocols = new Map<string, TriageProtocol>();
  for (const input of inputs) {
    const check = validateProtocol(input, catalogue);
    errors.push(...check.errors);
    if (!check.protocol) continue;
    if (protocols.has(check.protocol.id)) {
      errors.push({ code: 'DUPLICATE_PROTOCOL', protocolId: check.protocol.id, nodeId: null, message: `${PROTOCOL_ERROR_CODES.DUPLICATE_PROTOCOL} "${check.protocol.id}".` });
      continue;
    }
    protocols.set(check.protocol.id, check.protocol);
  }
  if (!protocols.has(entry)) errors.push({ code: 'UNKNOWN_ENTRY', protocolId: entry, nodeId: null, message: `${PROTOCOL_ERROR_CODES.UNKNOWN_ENTRY} "${entry}".` });

  const links = new Map<string, string[]>();
  for (const protocol of protocols.values()) {
    const targets: string[] = [];
    for (const node of protocol.nodes) {
      if (node.kind !== 'continue') continue;
      if (protocols.has(node.protocolId)) targets.push(node.protocolId);
      else errors.push({ code: 'UNKNOWN_PROTOCOL', protocolId: protocol.id, nodeId: node.id, message: `${PROTOCOL_ERROR_CODES.UNKNOWN_PROTOCOL} "${node.protocolId}".` });
    }
    links.set(protocol.id, targets);
  }
  for (const id of protocolCycleEntries(links)) {
    errors.push({ code: 'PROTOCOL_CYCLE', protocolId: id, nodeId: null, message: `${PROTOCOL_ERROR_CODES.PROTOCOL_CYCLE} The loop comes back to "${id}".` });
  }
  if (errors.length > 0) return { ok: false, errors };
  for (const protocol of protocols.values()) deepFreeze(protocol);
  return { ok: true, library: { entry, protocols } as unknown as ProtocolLibrary, errors: [] };
}

/** A validated protocol is a published version: nobody may change it under a running triage. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function protocolCycleEntries(links: ReadonlyMap<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const entries = new Set<string>();
  const visit = (id: string) => {
    state.set(id, 'open');
    for (const next of links.get(id) ?? []) {
      if (state.get(next) === 'open') entries.add(next);
      else if (!state.has(next)) visit(next);
    }
    state.set(id, 'done');
  };
  for (const id of links.keys()) if (!state.has(id)) visit(id);
  return [...entries];
}
