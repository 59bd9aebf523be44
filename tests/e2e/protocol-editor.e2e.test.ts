// A team lead edits and publishes a triage protocol in web mode against the real server: the
// editor opens the next version of the noise protocol, live validation blocks a broken draft, a
// test run works in the real triage screen, and the published version reaches the server with
// the lead's name while version 1 is kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './stack.js';
import { itLeavesACleanTrail } from './trail.js';

describe('triage protocol editor in web mode', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ agentId: 'demo-lead' });
    await stack.waitForAppEvent('desk-ready');
    await stack.host.syncOnce();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('publishes a new version of a protocol, refusing a broken draft first', async () => {
    const { page } = stack;
    await page.getByTestId('view-protocols').click();
    await expect.poll(() => page.getByTestId('protocol-new-version-noise').isVisible(), { timeout: 10_000 }).toBe(true);
    await page.getByTestId('protocol-new-version-noise').click();
    await expect.poll(() => page.getByTestId('protocol-tree').isVisible()).toBe(true);

    // Break the draft: the start node's question loses its prompt; the validator names the node.
    await page.getByTestId('protocol-node-source').click();
    const prompt = page.getByTestId('protocol-node-form').getByLabel('Question, read aloud');
    await prompt.fill('');
    await expect.poll(() => page.getByTestId('protocol-error-source').isVisible()).toBe(true);
    expect(await page.getByTestId('protocol-publish').isDisabled()).toBe(true);

    await prompt.fill('What is making the noise right now?');
    await expect.poll(() => page.getByTestId('protocol-error-source').count()).toBe(0);

    // A test run goes through the real triage screen and records nothing.
    await page.getByTestId('protocol-test-run').click();
    await expect.poll(() => page.getByTestId('protocol-test-run-panel').isVisible()).toBe(true);
    expect(await page.getByTestId('triage-question').textContent()).toContain('What is making the noise right now?');
    await page.getByTestId('protocol-test-run').click();

    expect(await page.getByTestId('protocol-publish').isEnabled()).toBe(true);
    await page.getByTestId('protocol-publish').click();
    await expect.poll(() => page.getByTestId('protocol-published').textContent(), { timeout: 10_000 }).toContain('version 2');

    const rows = await stack.server.store.query<{ key: string; published_by: string | null; document: { nodes: Array<{ id: string; prompt?: string }> } }>(
      "SELECT key, published_by, document FROM triage_protocols WHERE id = 'noise' ORDER BY version",
    );
    expect(rows.map((row) => row.key)).toEqual(['noise@1', 'noise@2']);
    expect(rows[1]?.published_by).toBe('demo-lead');
    expect(rows[1]?.document.nodes.find((node) => node.id === 'source')?.prompt).toBe('What is making the noise right now?');
    const [records] = await stack.server.store.query<{ n: number }>('SELECT count(*)::int AS n FROM triage_records');
    expect(records?.n).toBe(0);

    // The desk pulls the new version like any other change.
    await stack.host.syncOnce();
    const versions = (await stack.host.desk.listTriageProtocols({})).filter((entry) => entry.id === 'noise').map((entry) => entry.version);
    expect(versions).toEqual([1, 2]);
  });

  itLeavesACleanTrail(() => stack);
});
