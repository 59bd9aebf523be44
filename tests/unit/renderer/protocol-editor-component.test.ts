// A server render of the protocol editor, to pin its test ids without a DOM: the tree of an
// opened draft, the error list, the marks on nodes with errors, publish and test run, and the
// version history when no draft is open.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { ProtocolEditor, type ProtocolEditorDesk } from '../../../renderer/triage/editor/ProtocolEditor.js';
import { NOW, laterVersion, serviceTypes, starterPublished } from './protocol-editor-fixtures.js';

const published = starterPublished();

function fakeDesk(): ProtocolEditorDesk {
  return {
    listTriageProtocols: vi.fn(async () => published),
    listServiceTypes: vi.fn(async () => serviceTypes),
    publishTriageProtocol: vi.fn(async () => {
      throw new Error('not in a server render');
    }),
  };
}

const render = (props: Partial<Parameters<typeof ProtocolEditor>[0]>) =>
  renderToStaticMarkup(createElement(ProtocolEditor, { desk: fakeDesk(), agentId: 'lead-1', initial: { published, serviceTypes }, now: () => NOW, ...props }));

/** The opening tag of the element with this test id. */
const tag = (html: string, testId: string) => html.match(new RegExp(`<[^>]*data-testid="${testId}"[^>]*>`))?.[0] ?? null;

describe('ProtocolEditor', () => {
  it('opens a draft of the next version as a tree, with no errors, publish enabled and a test run', () => {
    const html = render({ openProtocolId: 'noise' });
    expect(tag(html, 'protocol-editor')).not.toBeNull();
    for (const id of ['source', 'party_address', 'construction_started', 'construction_after_hours', 'other_address', 'police_other']) {
      expect(tag(html, `protocol-node-${id}`)).not.toBeNull();
    }
    // The shared node is shown once, then linked.
    expect(html.match(/data-testid="protocol-node-other_address"/g)).toHaveLength(1);
    expect(html).toMatch(/data-testid="protocol-see-above-other_address"[^>]*>see above: other_address</);
    expect(html).toMatch(/version 2, draft/);
    expect(html).toMatch(/data-testid="protocol-errors"[^>]*><h3>No errors: ready to publish<\/h3>/);
    expect(tag(html, 'protocol-publish')).not.toMatch(/disabled/);
    expect(html).toMatch(/data-testid="protocol-publish"[^>]*>Publish version 2</);
    expect(tag(html, 'protocol-test-run')).not.toBeNull();
    expect(html).not.toContain('data-invalid');
    // The start node's form is open.
    expect(html).toMatch(/data-testid="protocol-node-form" aria-label="Node source"/);
  });

  it('marks the nodes with errors, lists them by node, and disables publishing', () => {
    // Without the construction service type in the catalogue, both construction outcomes are wrong.
    const catalogue = serviceTypes.filter((type) => type.code !== 'construction-complaints');
    const html = render({ openProtocolId: 'noise', initial: { published, serviceTypes: catalogue } });
    expect(tag(html, 'protocol-node-construction_after_hours')).toMatch(/data-invalid="true"/);
    expect(tag(html, 'protocol-node-construction_daytime')).toMatch(/data-invalid="true"/);
    expect(tag(html, 'protocol-node-source')).not.toMatch(/data-invalid/);
    expect(html).toMatch(/data-testid="protocol-error-construction_after_hours"[^>]*>Node construction_after_hours<\/button> The service type is not in the catalogue/);
    expect(tag(html, 'protocol-publish')).toMatch(/disabled=""/);
  });

  it('lists each protocol with its version history when no draft is open', () => {
    const v1 = published.find((entry) => entry.id === 'noise')!;
    const html = render({ initial: { published: [...published, laterVersion(v1, 2, '2026-12-24T00:00:00Z')], serviceTypes } });
    expect(tag(html, 'protocol-editor')).not.toBeNull();
    expect(tag(html, 'protocol-view-noise@1')).not.toBeNull();
    expect(tag(html, 'protocol-view-noise@2')).not.toBeNull();
    expect(html).toMatch(/data-testid="protocol-new-version-noise"[^>]*>Edit version 3</);
    expect(html).toMatch(/2 \(scheduled\)/);
    expect(html).toMatch(/1 \(in effect\)/);
    expect(html).not.toContain('protocol-node-');
  });
});
