// Fills a new database: reference data (service types, neighborhoods) and demo agents always,
// demo callers and cases only while the store has no callers, all through the change log.
import { generateDemoData, type DemoDataOptions } from '../demo-data/generate.js';
import { loadNeighborhoodAreas, loadServiceTypes } from '../demo-data/reference-data.js';
import { seedStarterProtocols } from '../triage/protocols.js';
import { seedPasswordHash } from '../auth/credentials.js';
import { DEMO_AGENTS, ensureDemoAgents } from './agents.js';
import { putNeighborhoods, putSyncedRows } from './change-log.js';
import type { Store } from './store.js';

async function count(store: Store, table: string): Promise<number> {
  const [row] = await store.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM ${table}`);
  return row?.n ?? 0;
}

export async function seedReferenceData(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    if ((await count(tx, 'service_types')) === 0) await putSyncedRows(tx, 'service_type', loadServiceTypes());
    if ((await count(tx, 'neighborhoods')) === 0) await putNeighborhoods(tx, loadNeighborhoodAreas());
  });
  await ensureDemoAgents(store);
  // After the service types: the starter protocols are validated against them.
  await seedStarterProtocols(store);
}

/**
 * The demo agents get the seed password's hash (hashed once by the caller, stored for every one
 * of them) unless they have a password already; without one (real telephony, no
 * FRONTDESK_SEED_PASSWORD) they cannot sign in until an operator sets one.
 */
export async function seedDemoAgentPasswords(store: Store, passwordHash: string): Promise<void> {
  await seedPasswordHash(store, DEMO_AGENTS.map((agent) => agent.id), passwordHash);
}

/** Agents nobody can sign in as yet: no password set. */
export async function agentsWithoutPassword(store: Store): Promise<number> {
  const [row] = await store.query<{ n: number }>(
    'SELECT count(*)::int8 AS n FROM agents a LEFT JOIN agent_credentials c ON c.agent_id = a.id WHERE c.password_hash IS NULL',
  );
  return row?.n ?? 0;
}

export interface SeedResult {
  seeded: boolean;
  callers: number;
  serviceRequests: number;
}

/**
 * Seeds demo callers and cases in one transaction, so a crash half-way leaves no callers and the
 * next start tries again rather than running on half a data set.
 */
export async function seedDemoData(store: Store, options: DemoDataOptions): Promise<SeedResult> {
  return store.transaction(async (tx) => {
    if ((await count(tx, 'callers')) > 0) return { seeded: false, callers: 0, serviceRequests: 0 };
    let callers = 0;
    let serviceRequests = 0;
    for (const batch of generateDemoData(options)) {
      if (batch.entity === 'caller') {
        await putSyncedRows(tx, 'caller', batch.rows);
        callers += batch.rows.length;
      } else {
        await putSyncedRows(tx, 'service_request', batch.rows);
        serviceRequests += batch.rows.length;
      }
    }
    // New official references continue after the seeded ones.
    await tx.query(
      `SELECT setval('service_request_reference_seq', GREATEST(19000001, (SELECT COALESCE(MAX(reference::bigint), 0) + 1
         FROM service_requests WHERE reference ~ '^[0-9]+$')), false)`,
    );
    return { seeded: true, callers, serviceRequests };
  });
}
