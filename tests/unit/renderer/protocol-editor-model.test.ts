// The protocol editor's plain modules: the tree (shared nodes once, unreachable ones apart, loops
// that end), live validation mapped to nodes, test runs of edited drafts through the real runner,
// version history, and publish requests and refusals.
import { describe, expect, it } from 'vitest';
import { DeskFailure } from '../../../shared/errors.js';
import { TriageRecordSchema } from '../../../shared/triage/record.js';
import { TriageRun } from '../../../shared/triage/runner.js';
import { addNode, changeKind, deleteNode, draftFromPublished, newProtocolDraft, retarget, updateNode, type ProtocolDraft } from '../../../renderer/triage/editor/draft.js';
import { publishRefusal, publishRequest } from '../../../renderer/triage/editor/publish.js';
import { testRunLibrary } from '../../../renderer/triage/editor/test-run.js';
import { buildProtocolTree, type TreeRow } from '../../../renderer/triage/editor/tree.js';
import { issueLabel, validateDraft } from '../../../renderer/triage/editor/validation.js';
import { protocolListings } from '../../../renderer/triage/editor/versions.js';
import { performTriageAction } from '../../../renderer/triage/triage-view.js';
import { NOW, laterVersion, serviceTypes, starterPublished } from './protocol-editor-fixtures.js';

const published = starterPublished();
const context = { published, catalogue: serviceTypes, at: NOW };
const noise = () => draftFromPublished(published, 'noise')!;

/** "depth:type:id (via)" per row, to compare whole trees at a glance. */
const outline = (rows: TreeRow[]) =>
  rows.map((row) => `${row.depth}:${row.type === 'see-above' && row.loop ? 'loop' : row.type}:${row.nodeId}${row.via ? ` (${row.via.label})` : ''}`);

describe('buildProtocolTree', () => {
  it('shows the nodes from the start along their branches, each shared node once and then "see above"', () => {
    const tree = buildProtocolTree(noise().document);
    expect(outline(tree.rows)).toEqual([
      '0:node:source',
      '1:node:party_address (A party or loud music)',
      '2:node:party_started (Next)',
      '3:node:police_party (Next)',
      '1:node:construction_address (Construction work)',
      '2:node:construction_started (Next)',
      '3:node:construction_after_hours (If < 07:00)',
      '3:see-above:construction_after_hours (If ≥ 20:00)',
      '3:node:construction_daytime (Otherwise)',
      '1:node:other_address (A car alarm or a vehicle)',
      '2:node:police_other (Next)',
      '1:see-above:other_address (Something else)',
    ]);
    expect(tree.unreachable).toEqual([]);
    expect(tree.rows[0]).toMatchObject({ type: 'node', kind: 'choice', title: 'What is making the noise?' });
    expect(tree.rows[3]).toMatchObject({ title: 'Police report · NE-NOI-1' });
  });

  it('lists nodes no path reaches apart, with what they lead to, and marks missing targets', () => {
    const unhooked = retarget(noise(), 'source', { kind: 'option', index: 1 }, 'other_address');
    const withLoose = addNode(unhooked, 'yes_no', 'loose');
    const tree = buildProtocolTree(withLoose.document);
    expect(outline(tree.rows)).not.toContain('1:node:construction_address (Construction work)');
    expect(outline(tree.unreachable)).toEqual([
      '0:node:construction_address',
      '1:node:construction_started (Next)',
      '2:node:construction_after_hours (If < 07:00)',
      '2:see-above:construction_after_hours (If ≥ 20:00)',
      '2:node:construction_daytime (Otherwise)',
      '0:node:loose',
      '1:missing: (Yes)',
      '1:missing: (No)',
    ]);
    const dangling = buildProtocolTree(deleteNode(noise(), 'police_other').document);
    expect(outline(dangling.rows)).toContain('2:missing:police_other (Next)');
  });

  it('ends on loops, marking the link back as a loop', () => {
    const looped = retarget(noise(), 'party_started', { kind: 'next' }, 'source');
    const selfLoop = retarget(looped, 'other_address', { kind: 'next' }, 'other_address');
    const tree = buildProtocolTree(selfLoop.document);
    expect(outline(tree.rows)).toContain('3:loop:source (Next)');
    expect(outline(tree.rows)).toContain('2:loop:other_address (Next)');
    // The outcomes those two led to are left with no way in.
    expect(outline(tree.unreachable)).toEqual(['0:node:police_party', '0:node:police_other']);
  });

  it('walks a long chain without running out of stack', () => {
    const nodes = Array.from({ length: 5000 }, (_, index) => ({ id: `q${index}`, kind: 'address' as const, prompt: 'Where?', next: `q${index + 1}` }));
    const document = { ...noise().document, start: 'q0', nodes: [...nodes, { id: 'q5000', kind: 'police_report' as const, determinant: 'NE-NOI-9' }] };
    const tree = buildProtocolTree(document);
    expect(tree.rows).toHaveLength(5001);
    expect(tree.rows[5000]).toMatchObject({ nodeId: 'q5000', depth: 5000 });
  });
});

describe('validateDraft', () => {
  it('finds nothing wrong with the next version of a starter protocol, and allows publishing it', () => {
    expect(validateDraft(noise().document, context)).toMatchObject({ issues: [], canPublish: true });
  });

  it('marks the node an error is about, names it in the list, and blocks publishing', () => {
    const broken = updateNode(noise(), 'party_address', { prompt: '' });
    const result = validateDraft(broken.document, context);
    expect(result.canPublish).toBe(false);
    expect([...result.byNode.keys()]).toEqual(['party_address']);
    const [issue] = result.issues;
    expect(issue).toMatchObject({ code: 'INVALID_DOCUMENT', nodeId: 'party_address', fromSet: false });
    expect(issue!.message).toMatch(/^prompt: /);
    expect(issueLabel(issue!, 'noise')).toBe('Node party_address');
  });

  it('names the node for catalogue, reachability and required-field errors', () => {
    const unknownType = updateNode(noise(), 'construction_daytime', { serviceTypeCode: 'no-such-type' });
    expect(validateDraft(unknownType.document, context).byNode.get('construction_daytime')?.map((issue) => issue.code)).toContain('UNKNOWN_SERVICE_TYPE');
    const notAsked = updateNode(noise(), 'construction_started', { field: undefined });
    expect(validateDraft(notAsked.document, context).byNode.get('construction_daytime')?.map((issue) => issue.code)).toEqual(['REQUIRED_FIELD_NOT_ASKED']);
    const orphan = validateDraft(retarget(noise(), 'other_address', { kind: 'next' }, 'police_party').document, context);
    expect(orphan.byNode.get('police_other')?.map((issue) => issue.code)).toEqual(['UNREACHABLE_NODE']);
  });

  it('checks the set with the draft in place: a continue to a protocol nobody published names its node', () => {
    const handOff = addNode(noise(), 'continue', 'continue_1', { nodeId: 'other_address', ref: { kind: 'next' } });
    const named = updateNode(deleteNode(handOff, 'police_other'), 'continue_1', { protocolId: 'graffiti' });
    const result = validateDraft(named.document, context);
    expect(result.issues).toEqual([expect.objectContaining({ code: 'UNKNOWN_PROTOCOL', protocolId: 'noise', nodeId: 'continue_1', fromSet: true })]);
    const fine = updateNode(named, 'continue_1', { protocolId: 'lost-property' });
    expect(validateDraft(fine.document, context).issues).toEqual([]);
  });

  it('reports a draft that is not the next version as a document error', () => {
    const v2 = laterVersion(published.find((entry) => entry.id === 'noise')!, 2, '2026-12-01T12:00:00Z');
    const result = validateDraft(noise().document, { ...context, published: [...published, v2] });
    expect(result.issues).toEqual([expect.objectContaining({ code: 'VERSION_NOT_NEXT', nodeId: null })]);
    expect(result.canPublish).toBe(false);
    expect(issueLabel(result.issues[0]!, 'noise')).toBe('Document');
  });

  it('does not repeat, for the set, what is wrong with the draft alone', () => {
    const draft = newProtocolDraft({ id: 'graffiti', title: 'Graffiti', now: NOW });
    const result = validateDraft(draft.document, context);
    expect(result.issues.every((issue) => issue.protocolId === 'graffiti' && !issue.fromSet)).toBe(true);
    expect(new Set(result.issues.map((issue) => issue.key)).size).toBe(result.issues.length);
    expect(result.byNode.has('first_question')).toBe(true);
  });
});

describe('test runs', () => {
  /** The starter noise protocol, edited: vehicles get a service request of their own. */
  function editedNoise(): ProtocolDraft {
    let draft = noise();
    draft = addNode(draft, 'police_report', 'vehicle_outcome', { nodeId: 'source', ref: { kind: 'option', index: 2 } });
    draft = changeKind(draft, 'vehicle_outcome', 'information');
    draft = updateNode(draft, 'vehicle_outcome', { determinant: 'NE-NOI-5', articleId: 'kb-car-alarms', text: 'Car alarms stop by themselves within 20 minutes.' });
    return updateNode(draft, 'source', { prompt: 'What is making the noise, in a word?' });
  }

  it('runs an edited noise draft in the real runner to its outcome, and shows the record it would make', () => {
    const draft = editedNoise();
    expect(validateDraft(draft.document, context).issues).toEqual([]);
    const check = testRunLibrary(draft.document, published, serviceTypes, NOW);
    if (!check.ok) throw new Error(JSON.stringify(check.errors));
    const run = TriageRun.start({ library: check.library, runId: 'test-run-1', callTakerId: 'lead-1', clock: () => NOW.getTime() });
    expect(run.question?.node.prompt).toBe('What is making the noise, in a word?');
    const answered = performTriageAction(run, { type: 'answer', value: 'vehicle' }, { location: '', callbackNumber: '' });
    expect(answered.run.outcome).toMatchObject({ protocolId: 'noise', protocolVersion: 2, determinant: 'NE-NOI-5' });
    const done = performTriageAction(answered.run, { type: 'confirm' }, { location: '1500 Market St', callbackNumber: '' });
    expect(done.effect?.kind).toBe('outcome');
    const record = TriageRecordSchema.parse(done.effect!.record);
    expect(record).toMatchObject({ status: 'completed', protocols: [{ id: 'noise', version: 2 }], fields: { noise_source: 'vehicle' } });
    // The draft stays the editor's: the validator's freezing does not reach it.
    expect(Object.isFrozen(draft.document)).toBe(false);
  });

  it('follows continue links into the protocols in effect', () => {
    const safety = updateNode(draftFromPublished(published, 'safety-screen')!, 'hurt_or_danger', { help: 'Listen for breathing trouble.' });
    const check = testRunLibrary(safety.document, published, serviceTypes, NOW);
    if (!check.ok) throw new Error(JSON.stringify(check.errors));
    let run = TriageRun.start({ library: check.library, runId: 'test-run-2', callTakerId: 'lead-1' });
    for (const value of [false, false, false, false, 'neighborhood', 'noise']) {
      const result = run.answer(value);
      if (!result.ok) throw new Error(result.error.message);
      run = result.run;
    }
    expect(run.question?.protocol).toMatchObject({ id: 'noise', version: 1 });
    expect(run.record().protocols).toEqual([
      { id: 'safety-screen', version: 2 },
      { id: 'topic-chooser', version: 1 },
      { id: 'noise', version: 1 },
    ]);
  });

  it('refuses to run a draft with errors', () => {
    const check = testRunLibrary(updateNode(noise(), 'source', { prompt: '' }).document, published, serviceTypes, NOW);
    expect(check.ok).toBe(false);
  });
});

describe('version history', () => {
  it('lists every version newest first, with the one in effect, scheduled ones and who published them', () => {
    const v1 = published.find((entry) => entry.id === 'noise')!;
    const v2 = laterVersion(v1, 2, '2026-12-02T08:00:00Z');
    const v3 = laterVersion(v1, 3, '2026-12-24T00:00:00Z', 'lead-2');
    const listing = protocolListings([...published, v3, v2], NOW).find((entry) => entry.id === 'noise')!;
    expect(listing).toMatchObject({ title: 'Noise', newestVersion: 3, inEffectVersion: 2 });
    expect(listing.versions.map((row) => `${row.version}:${row.status}:${row.publishedBy}`)).toEqual([
      '3:scheduled:lead-2',
      '2:in-effect:lead-1',
      '1:superseded:Shipped with the product',
    ]);
    expect(protocolListings(published, NOW)).toHaveLength(published.length);
  });
});

describe('publishing', () => {
  const document = noise().document;

  it('publishes now with the server’s clock, or at a later time chosen in the desk’s time zone', () => {
    expect(publishRequest(document, { mode: 'now' }, NOW)).toEqual({ ok: true, params: { document: { ...document, effectiveFrom: NOW.toISOString() }, effectiveFrom: null } });
    const later = publishRequest(document, { mode: 'later', local: '2026-12-24T06:30' }, NOW);
    const expected = new Date('2026-12-24T06:30').toISOString();
    expect(later).toEqual({ ok: true, params: { document: { ...document, effectiveFrom: expected }, effectiveFrom: expected } });
    expect(publishRequest(document, { mode: 'later', local: '' }, NOW)).toMatchObject({ ok: false });
    expect(publishRequest(document, { mode: 'later', local: '2026-11-01T00:00' }, NOW)).toEqual({ ok: false, message: 'A later time must be in the future; publish now instead.' });
  });

  it('shows the server’s refusal with each error it names, its own codes included', () => {
    const errors = [
      { code: 'UNKNOWN_SERVICE_TYPE', protocolId: 'noise', nodeId: 'construction_daytime', message: 'The service type is not in the catalogue.' },
      { code: 'VERSION_NOT_NEXT', protocolId: 'noise', nodeId: null, message: 'version 2 was given; the next version of noise is 3' },
    ];
    const refusal = publishRefusal(new DeskFailure('PROTOCOL_INVALID', 'noise/construction_daytime: …', errors));
    expect(refusal).toEqual({ code: 'PROTOCOL_INVALID', message: 'noise/construction_daytime: …', errors });
    expect(publishRefusal(new DeskFailure('SERVER_UNREACHABLE', 'The central server cannot be reached.'))).toEqual({ code: 'SERVER_UNREACHABLE', message: 'The central server cannot be reached.', errors: [] });
  });
});
