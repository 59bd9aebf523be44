// The audit log's hash chain on a real database: appends verify, and a changed, removed or
// reordered row is found. PGlite always; PostgreSQL too when TEST_DATABASE_URL is set.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, canonicalJson, chainHash, GENESIS_HASH, searchAudit, verifyAuditChain } from '../../../server/audit/audit-log.js';
import { migrate } from '../../../server/store/migrate.js';
import type { Store } from '../../../server/store/store.js';
import { openScratchStore, storeTargets, type ScratchStore } from '../../integration/server/helpers.js';

/**
 * Tampering needs the append-only trigger out of the way, as someone with the database's owner
 * rights could do: that is exactly the attacker the hash chain is for.
 */
async function tamper(store: Store, sql: string, params: unknown[] = []): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await tx.query(sql, params);
    await tx.query('ALTER TABLE audit_log ENABLE TRIGGER USER');
  });
}

async function appendFive(store: Store): Promise<void> {
  await appendAudit(store, { agentId: 'demo-lead', action: 'auth.sign_in', objectType: 'agent', objectId: 'demo-lead', ip: '127.0.0.1' });
  await appendAudit(store, { agentId: 'demo-lead', action: 'case.view', objectType: 'case', objectId: 'c-1', clientId: 'desk-a' });
  await appendAudit(store, { agentId: 'demo-lead', action: 'case.change', objectType: 'case', objectId: 'c-1', details: { mutation: 'editCase', fields: ['description'] } });
  await appendAudit(store, { agentId: null, action: 'auth.sign_in_failed', details: { attemptedAgentId: 'nobody', status: 404, code: 'NOT_FOUND' } });
  await appendAudit(store, { agentId: 'demo-lead', action: 'caller.view', objectType: 'caller', objectId: 'k-9', at: '2026-01-02T03:04:05.678Z' });
}

describe('canonical JSON', () => {
  it('sorts keys at every level, so equal values hash the same', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}');
    const fields = { seq: 1, at: 'a', recordedAt: 'b', agentId: null, action: 'case.view', objectType: null, objectId: null, details: { x: 1, y: 2 }, clientId: null, ip: null };
    expect(chainHash(GENESIS_HASH, fields)).toBe(chainHash(GENESIS_HASH, { ...fields, details: { y: 2, x: 1 } }));
    expect(chainHash(GENESIS_HASH, fields)).not.toBe(chainHash(GENESIS_HASH, { ...fields, details: { x: 1, y: 3 } }));
  });
});

describe.each(storeTargets())('audit chain on $kind', (target) => {
  let scratch: ScratchStore;
  let store: Store;

  // One migrated database per file (migrating is slow); each test starts from an empty log.
  beforeAll(async () => {
    scratch = await openScratchStore(target);
    store = scratch.store;
    await migrate(store);
  });
  beforeEach(async () => {
    await tamper(store, 'TRUNCATE audit_log');
  });
  afterAll(async () => {
    await scratch?.dispose();
  });

  it('chains each entry to the one before and verifies an intact log', async () => {
    expect(await verifyAuditChain(store)).toEqual({ ok: true, count: 0, head: null });
    await appendFive(store);
    const rows = await store.query<{ seq: number; prev_hash: string; hash: string; at: Date }>('SELECT seq, prev_hash, hash, at FROM audit_log ORDER BY seq');
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]?.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    expect(rows[4]?.at.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    // A small page size walks several pages.
    expect(await verifyAuditChain(store, 2)).toEqual({ ok: true, count: 5, head: { seq: 5, hash: rows[4]?.hash } });
  });

  it('refuses UPDATE, DELETE and TRUNCATE through the trigger', async () => {
    await appendFive(store);
    await expect(store.query("UPDATE audit_log SET action = 'case.view' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(store.query('DELETE FROM audit_log WHERE seq = 5')).rejects.toThrow(/append-only/);
    await expect(store.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(store)).ok).toBe(true);
  });

  it('finds a changed row', async () => {
    await appendFive(store);
    await tamper(store, `UPDATE audit_log SET details = '{"mutation":"editCase","fields":["status"]}'::jsonb WHERE seq = 3`);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, count: 2, broken: { seq: 3, reason: expect.stringMatching(/changed/) } });
  });

  it('finds a changed row even when its hash was recomputed, at the next entry', async () => {
    await appendFive(store);
    const [row] = await store.query<{ prev_hash: string }>('SELECT prev_hash FROM audit_log WHERE seq = 2');
    const forged = chainHash(row!.prev_hash, { seq: 2, at: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z', agentId: 'someone-else', action: 'case.view', objectType: 'case', objectId: 'c-1', details: {}, clientId: 'desk-a', ip: null });
    await tamper(store, `UPDATE audit_log SET agent_id = 'someone-else', at = '2026-01-01T00:00:00Z', recorded_at = '2026-01-01T00:00:00Z', hash = $1 WHERE seq = 2`, [forged]);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, count: 2, broken: { seq: 3, reason: expect.stringMatching(/previous hash/) } });
  });

  it('finds a removed row', async () => {
    await appendFive(store);
    await tamper(store, 'DELETE FROM audit_log WHERE seq = 2');
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, count: 1, broken: { seq: 3, reason: expect.stringMatching(/missing/) } });
  });

  it('finds a removed row when the rest were renumbered to close the gap', async () => {
    await appendFive(store);
    await tamper(store, 'DELETE FROM audit_log WHERE seq = 2');
    await tamper(store, 'UPDATE audit_log SET seq = seq - 1 WHERE seq > 2');
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, count: 1, broken: { seq: 2 } });
  });

  it('finds reordered rows', async () => {
    await appendFive(store);
    // Swap entries 3 and 4 (content and hashes), keeping the numbering.
    await tamper(store, 'UPDATE audit_log SET seq = seq + 1000 WHERE seq IN (3, 4)');
    await tamper(store, 'UPDATE audit_log SET seq = CASE seq WHEN 1003 THEN 4 ELSE 3 END WHERE seq IN (1003, 1004)');
    expect(await verifyAuditChain(store)).toMatchObject({ ok: false, count: 2, broken: { seq: 3, reason: expect.stringMatching(/previous hash/) } });
  });

  it('keeps one chain when appends race (the advisory lock serializes them)', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(store, { agentId: `agent-${i % 4}`, action: 'case.view', objectType: 'case', objectId: `c-${i}` })));
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, count: 20 });
  });

  it('rolls an entry back with the transaction that made it', async () => {
    await appendFive(store);
    await expect(store.transaction(async (tx) => {
      await appendAudit(tx, { agentId: 'demo-lead', action: 'case.change', objectType: 'case', objectId: 'c-2' });
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, count: 5 });
  });

  it('searches by agent, action, object and time, newest first, a page at a time', async () => {
    await appendFive(store);
    const byAgent = await searchAudit(store, { agentId: 'demo-lead' }, { limit: 2 });
    expect(byAgent.entries.map((entry) => entry.seq)).toEqual([5, 3]);
    expect(byAgent.nextCursor).toBe(3);
    const next = await searchAudit(store, { agentId: 'demo-lead' }, { limit: 2, cursor: 3 });
    expect(next.entries.map((entry) => entry.seq)).toEqual([2, 1]);
    expect(next.nextCursor).toBeNull();
    expect((await searchAudit(store, { objectType: 'case', objectId: 'c-1', action: 'case.change' }, { limit: 10 })).entries).toMatchObject([
      { seq: 3, details: { mutation: 'editCase', fields: ['description'] } },
    ]);
    const old = await searchAudit(store, { to: '2026-06-01T00:00:00Z' }, { limit: 10 });
    expect(old.entries.map((entry) => entry.seq)).toEqual([5]);
  });

  it('refuses an entry outside the schema', async () => {
    await expect(appendAudit(store, { agentId: 'x', action: 'case.peek' as never })).rejects.toThrow();
    expect((await verifyAuditChain(store)).count).toBe(0);
  });
});
