// The protocol validator: a good protocol passes, and each kind of mistake is reported with its
// own code and the node it is about.
import { describe, expect, it } from 'vitest';
import type { ProtocolNode, TriageProtocolDocument } from '../../../../shared/triage/protocol.js';
import { PROTOCOL_ERROR_CODES, validateProtocol, validateProtocolSet, type ProtocolErrorCode } from '../../../../shared/triage/validate.js';
import { catalogue, testProtocol } from './fixtures.js';

type Node = Record<string, unknown> & { id: string };

function node(document: TriageProtocolDocument, id: string): Node {
  const found = document.nodes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found as unknown as Node;
}

function broken(change: (document: TriageProtocolDocument) => void): TriageProtocolDocument {
  const document = testProtocol();
  change(document);
  return document;
}

const linked = (id: string, target: string): TriageProtocolDocument => ({
  ...testProtocol(),
  id,
  start: 'go_on',
  nodes: [{ id: 'go_on', kind: 'continue', protocolId: target }],
});

type Case = {
  code: ProtocolErrorCode;
  nodeId: string | null;
  /** Codes that follow from the same mistake (a branch to nowhere leaves what followed it unreachable). */
  also?: ProtocolErrorCode[];
  protocolId?: string;
  set?: { documents: TriageProtocolDocument[]; entry: string };
  document?: TriageProtocolDocument;
};

const cases: Case[] = [
  { code: 'INVALID_DOCUMENT', nodeId: 'count', document: broken((d) => void (node(d, 'count').min = 'zero')) },
  { code: 'DUPLICATE_NODE_ID', nodeId: 'info', document: broken((d) => void d.nodes.push({ id: 'info', kind: 'police_report', determinant: 'NE-TST-9' })) },
  { code: 'UNKNOWN_START', nodeId: 'nowhere', document: broken((d) => void (d.start = 'nowhere')) },
  { code: 'UNKNOWN_NODE', nodeId: 'plate', also: ['UNREACHABLE_NODE', 'NO_OUTCOME'], document: broken((d) => void (node(d, 'plate').next = 'missing_node')) },
  { code: 'CYCLE', nodeId: 'topic', also: ['UNREACHABLE_NODE'], document: broken((d) => void (node(d, 'note').next = 'topic')) },
  {
    code: 'NO_OUTCOME',
    nodeId: 'note',
    also: ['CYCLE', 'UNREACHABLE_NODE'],
    document: broken((d) => {
      node(d, 'note').next = 'note_again';
      d.nodes.push({ id: 'note_again', kind: 'free_text', prompt: 'And?', maxLength: 10, next: 'note' } as ProtocolNode);
    }),
  },
  { code: 'UNREACHABLE_NODE', nodeId: 'orphan', document: broken((d) => void d.nodes.push({ id: 'orphan', kind: 'police_report', determinant: 'NE-TST-9' })) },
  { code: 'EMPTY_CHOICES', nodeId: 'topic', also: ['NO_OUTCOME', 'UNREACHABLE_NODE'], document: broken((d) => void (node(d, 'topic').options = [])) },
  {
    code: 'DUPLICATE_CHOICE',
    nodeId: 'topic',
    document: broken((d) => void (node(d, 'topic').options as unknown[]).push({ value: 'cars_again', label: 'cars', next: 'note' })),
  },
  { code: 'INVALID_RANGE', nodeId: 'count', document: broken((d) => void Object.assign(node(d, 'count'), { min: 8, max: 2 })) },
  { code: 'CONDITION_OUT_OF_RANGE', nodeId: 'count', document: broken((d) => void (node(d, 'count').branches = [{ when: { op: 'gt', value: 50 }, next: 'many_cars' }])) },
  { code: 'UNKNOWN_SERVICE_TYPE', nodeId: 'vehicle_request', document: broken((d) => void (node(d, 'vehicle_request').serviceTypeCode = 'pothole-repair')) },
  {
    code: 'INACTIVE_SERVICE_TYPE',
    nodeId: 'vehicle_request',
    document: broken((d) => void Object.assign(node(d, 'vehicle_request'), { serviceTypeCode: 'salting', department: 'Streets Department' })),
  },
  { code: 'UNKNOWN_DEPARTMENT', nodeId: 'late_request', document: broken((d) => void (node(d, 'late_request').department = 'Department of Nothing')) },
  { code: 'DEPARTMENT_MISMATCH', nodeId: 'late_request', document: broken((d) => void (node(d, 'late_request').department = 'Streets Department')) },
  {
    code: 'REQUIRED_FIELD_NOT_ASKED',
    nodeId: 'vehicle_request',
    // The plate is asked on the way, but the address is skipped on the path through the new shortcut.
    document: broken((d) => void (node(d, 'seen_at').branches as unknown[]).push({ when: { op: 'lt', value: '06:00' }, next: 'vehicle_request' })),
  },
  { code: 'DUPLICATE_PROTOCOL', nodeId: null, set: { documents: [testProtocol(), testProtocol()], entry: 'test-protocol' } },
  { code: 'UNKNOWN_PROTOCOL', nodeId: 'go_on', protocolId: 'screen', set: { documents: [linked('screen', 'no-such-protocol')], entry: 'screen' } },
  { code: 'PROTOCOL_CYCLE', nodeId: null, protocolId: 'screen', set: { documents: [linked('screen', 'chooser'), linked('chooser', 'screen')], entry: 'screen' } },
  { code: 'UNKNOWN_ENTRY', nodeId: null, protocolId: 'safety-screen', set: { documents: [testProtocol()], entry: 'safety-screen' } },
];

describe('validateProtocol', () => {
  it('accepts the well-formed protocol and returns it parsed', () => {
    const check = validateProtocol(testProtocol(), catalogue);
    expect(check.errors).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.protocol?.nodes).toHaveLength(testProtocol().nodes.length);
  });

  it.each(cases)('reports $code naming node $nodeId', ({ code, nodeId, also = [], protocolId, set, document }) => {
    const errors = set ? validateProtocolSet(set.documents, catalogue, set.entry).errors : validateProtocol(document, catalogue).errors;
    expect(errors.map((error) => error.code)).toContain(code);
    const error = errors.find((candidate) => candidate.code === code)!;
    expect(error.nodeId).toBe(nodeId);
    expect(error.protocolId).toBe(protocolId ?? 'test-protocol');
    expect(error.message.length).toBeGreaterThan(10);
    // A single mistake brings in no unrelated codes.
    expect(new Set(errors.map((candidate) => candidate.code))).toEqual(new Set([code, ...also]));
  });

  it('has a test case for every error code', () => {
    expect(new Set(cases.map((entry) => entry.code))).toEqual(new Set(Object.keys(PROTOCOL_ERROR_CODES)));
  });

  it('names the node of a schema error by its id, and the document when it has no id', () => {
    const noPrompt = broken((d) => void delete node(d, 'plate').prompt);
    expect(validateProtocol(noPrompt, catalogue).errors).toEqual([
      expect.objectContaining({ code: 'INVALID_DOCUMENT', protocolId: 'test-protocol', nodeId: 'plate', message: expect.stringContaining('nodes.3.prompt') }),
    ]);
    const errors = validateProtocol({ nodes: 'none' }, catalogue).errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((error) => error.code === 'INVALID_DOCUMENT' && error.protocolId === null && error.nodeId === null)).toBe(true);
  });

  it('finds a required field missed on only one of two converging paths', () => {
    // Both branches of the yes/no reach the same request; only one asks the address.
    const document: TriageProtocolDocument = {
      ...testProtocol(),
      start: 'fork',
      nodes: [
        { id: 'fork', kind: 'yes_no', prompt: 'Fork?', yes: 'ask_address', no: 'request' },
        { id: 'ask_address', kind: 'address', prompt: 'Where?', field: 'address', next: 'request' },
        { id: 'request', kind: 'service_request', determinant: 'NE-TST-1', serviceTypeCode: 'illegal-dumping', department: 'Streets Department', priority: 'standard', requiredFields: ['address'] },
      ],
    };
    expect(validateProtocol(document, catalogue).errors).toEqual([expect.objectContaining({ code: 'REQUIRED_FIELD_NOT_ASKED', nodeId: 'request' })]);
    (document.nodes[0] as { no: string }).no = 'ask_address';
    expect(validateProtocol(document, catalogue).ok).toBe(true);
  });

  it('accepts a set whose documents link forward and freezes what it validated', () => {
    const check = validateProtocolSet([linked('screen', 'test-protocol'), testProtocol()], catalogue, 'screen');
    expect(check.errors).toEqual([]);
    if (!check.ok) return;
    const protocol = check.library.protocols.get('test-protocol')!;
    expect(Object.isFrozen(protocol)).toBe(true);
    expect(Object.isFrozen(protocol.nodes[0])).toBe(true);
  });
});
