// Publishing triage protocols: every version is validated as part of the whole set it joins,
// stored once and never changed, and synced to desks through the change log.
import { DeskFailure } from '../../shared/errors.js';
import { TriageProtocolSchema } from '../../shared/triage/protocol.js';
import { protocolKey, protocolsInEffect, type PublishedProtocol } from '../../shared/triage/published.js';
import { SAFETY_SCREEN_ID, STARTER_PROTOCOLS } from '../../shared/triage/starter/index.js';
import { validateProtocol, validateProtocolSet, type ProtocolError, type ServiceTypeCatalogue } from '../../shared/triage/validate.js';
import { putSyncedRows, lockChangeLog } from '../store/change-log.js';
import { requireIso, type Store } from '../store/store.js';

interface ProtocolRow {
  key: string;
  id: string;
  version: number;
  title: string;
  effective_from: Date | string;
  published_at: Date | string;
  published_by: string | null;
  document: unknown;
}

function fromRow(row: ProtocolRow): PublishedProtocol {
  return {
    key: row.key,
    id: row.id,
    version: row.version,
    title: row.title,
    effectiveFrom: requireIso(row.effective_from),
    publishedAt: requireIso(row.published_at),
    publishedBy: row.published_by,
    document: TriageProtocolSchema.parse(row.document),
  };
}

export async function listPublishedProtocols(store: Store): Promise<PublishedProtocol[]> {
  const rows = await store.query<ProtocolRow>('SELECT * FROM triage_protocols ORDER BY id, version');
  return rows.map(fromRow);
}

async function serviceTypeCatalogue(store: Store): Promise<ServiceTypeCatalogue> {
  return store.query<{ code: string; agency: string; active: boolean }>('SELECT code, agency, active FROM service_types');
}

/** A validator error, or one of publishing's own: the version is not the next one. */
export type PublishError = ProtocolError | { code: 'VERSION_NOT_NEXT'; protocolId: string; nodeId: null; message: string };

/** Thrown with every error found, so the editor can point at each node. */
export class ProtocolRejected extends DeskFailure {
  constructor(readonly errors: PublishError[]) {
    super('PROTOCOL_INVALID', errors.map((error) => `${error.protocolId ?? '?'}/${error.nodeId ?? '-'}: ${error.message}`).join('; '), errors);
  }
}

export interface PublishRequest {
  document: unknown;
  /** Null: in effect at once. Never before now: running calls are not re-routed. */
  effectiveFrom: string | null;
  publishedBy: string | null;
}

/**
 * Publishes the next version of a protocol. The document must be valid on its own, carry the next
 * version number, and keep the set valid both as it is now and once the new version takes effect.
 */
export async function publishProtocol(store: Store, request: PublishRequest, now = new Date()): Promise<PublishedProtocol> {
  return store.transaction(async (tx) => {
    // One publisher at a time: two leads publishing version 4 of the same protocol must not both win.
    await lockChangeLog(tx);
    const catalogue = await serviceTypeCatalogue(tx);
    const single = validateProtocol(request.document, catalogue);
    if (!single.ok || !single.protocol) throw new ProtocolRejected(single.errors);
    const protocol = single.protocol;
    const published = await listPublishedProtocols(tx);
    const latest = Math.max(0, ...published.filter((entry) => entry.id === protocol.id).map((entry) => entry.version));
    if (protocol.version !== latest + 1) {
      throw new ProtocolRejected([{
        code: 'VERSION_NOT_NEXT', protocolId: protocol.id, nodeId: null,
        message: `version ${protocol.version} was given; the next version of ${protocol.id} is ${latest + 1}`,
      }]);
    }
    const effectiveFrom = request.effectiveFrom ? new Date(request.effectiveFrom) : now;
    if (effectiveFrom.getTime() < now.getTime() - 60_000) {
      throw new DeskFailure('INVALID_INPUT', 'a new version cannot take effect in the past');
    }
    const entry: PublishedProtocol = {
      key: protocolKey(protocol.id, protocol.version),
      id: protocol.id,
      version: protocol.version,
      title: protocol.title,
      effectiveFrom: effectiveFrom.toISOString(),
      publishedAt: now.toISOString(),
      publishedBy: request.publishedBy,
      document: { ...protocol, effectiveFrom: effectiveFrom.toISOString() },
    };
    const withNew = [...published, entry];
    const set = validateProtocolSet(protocolsInEffect(withNew, new Date(Math.max(effectiveFrom.getTime(), now.getTime()))), catalogue, SAFETY_SCREEN_ID);
    if (!set.ok) throw new ProtocolRejected(set.errors);
    await putSyncedRows(tx, 'triage_protocol', [entry]);
    return entry;
  });
}

/** A new database gets the starter set, as version 1 of each protocol, in effect from the start. */
export async function seedStarterProtocols(store: Store): Promise<void> {
  const [row] = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM triage_protocols');
  if ((row?.n ?? 0) > 0) return;
  const catalogue = await serviceTypeCatalogue(store);
  const set = validateProtocolSet(STARTER_PROTOCOLS, catalogue, SAFETY_SCREEN_ID);
  if (!set.ok) throw new ProtocolRejected(set.errors);
  const at = new Date().toISOString();
  const entries: PublishedProtocol[] = STARTER_PROTOCOLS.map((document) => {
    const protocol = TriageProtocolSchema.parse(document);
    return {
      key: protocolKey(protocol.id, protocol.version),
      id: protocol.id,
      version: protocol.version,
      title: protocol.title,
      effectiveFrom: protocol.effectiveFrom,
      publishedAt: at,
      publishedBy: null,
      document: protocol,
    };
  });
  await putSyncedRows(store, 'triage_protocol', entries);
}

