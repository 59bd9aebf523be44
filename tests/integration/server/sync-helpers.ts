// Builders and calls for the sync push tests: mutations with fresh ids, a desk client that keeps
// its own mutation counter, and push/pull over real HTTP.
import { randomBytes, randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Mutation, MutationArgsOf } from '../../../shared/mutations.js';
import { makeProvisionalReference } from '../../../shared/mutations.js';
import {
  PullResponseSchema, PushResponseSchema, SnapshotResponseSchema, SyncedEntitySchema, SYNC_PROTOCOL_VERSION, SYNC_SCHEMA_VERSION,
  type PullResponse, type PushResponse, type RowChange, type SnapshotResponse, type SyncedEntity,
} from '../../../shared/sync-protocol.js';
import { postJson } from './helpers.js';

export function newClientId(): string {
  return `desk-${randomBytes(6).toString('hex')}`;
}

export function caseArgs(serviceTypeCode: string, overrides: Partial<MutationArgsOf<'createCase'>> = {}): MutationArgsOf<'createCase'> {
  return {
    id: uuidv7(),
    provisionalReference: makeProvisionalReference(randomBytes(5)),
    callerId: null,
    serviceTypeCode,
    channel: 'phone',
    description: 'Streetlight out on the 1500 block of S 5th St.',
    address: '1500 S 5th St',
    zipcode: '19147',
    neighborhoodId: null,
    lat: 39.93,
    lon: -75.15,
    requestedAt: new Date().toISOString(),
    priority: 'standard',
    ...overrides,
  };
}

/** A desk's outbox in miniature: hands out increasing mutation ids. */
export class DeskClient {
  readonly clientId = newClientId();
  private nextId = 1;
  readonly made: Mutation[] = [];

  constructor(
    readonly base: string,
    readonly token: string,
  ) {}

  make<N extends Mutation['name']>(name: N, args: MutationArgsOf<N>): Mutation {
    const mutation = { id: this.nextId++, name, args, createdAt: new Date().toISOString() } as Mutation;
    this.made.push(mutation);
    return mutation;
  }

  async push(mutations: Mutation[]): Promise<PushResponse> {
    const response = await this.pushRaw(mutations);
    if (response.status !== 200) throw new Error(`push answered ${response.status}: ${await response.text()}`);
    return PushResponseSchema.parse(await response.json());
  }

  pushRaw(mutations: unknown[], extra: Record<string, unknown> = {}): Promise<Response> {
    return postJson(
      `${this.base}/sync/push`,
      { protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: SYNC_SCHEMA_VERSION, clientId: this.clientId, mutations, ...extra },
      this.token,
    );
  }

  async pull(cursor: number, limit = 10_000): Promise<PullResponse> {
    const response = await postJson(
      `${this.base}/sync/pull`,
      { protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: SYNC_SCHEMA_VERSION, clientId: this.clientId, cursor, limit },
      this.token,
    );
    if (response.status !== 200) throw new Error(`pull answered ${response.status}: ${await response.text()}`);
    return PullResponseSchema.parse(await response.json());
  }

  snapshotRaw(body: Record<string, unknown>): Promise<Response> {
    return postJson(`${this.base}/sync/snapshot`, { protocolVersion: SYNC_PROTOCOL_VERSION, schemaVersion: SYNC_SCHEMA_VERSION, clientId: this.clientId, ...body }, this.token);
  }

  async snapshot(entity: SyncedEntity, afterId: string | null, limit = 10_000): Promise<SnapshotResponse> {
    const response = await this.snapshotRaw({ entity, afterId, limit });
    if (response.status !== 200) throw new Error(`snapshot answered ${response.status}: ${await response.text()}`);
    return SnapshotResponseSchema.parse(await response.json());
  }

  /** Every entity's snapshot, page by page: the changes in the order they came, the pages, and the first page's head. */
  async snapshotAll(limit: number, beforePage?: (pagesSoFar: readonly SnapshotResponse[]) => Promise<void>): Promise<{ changes: RowChange[]; pages: SnapshotResponse[]; asOf: number }> {
    const pages: SnapshotResponse[] = [];
    for (const entity of SyncedEntitySchema.options) {
      let afterId: string | null = null;
      do {
        await beforePage?.(pages);
        const page = await this.snapshot(entity, afterId, limit);
        pages.push(page);
        afterId = page.nextAfterId;
      } while (afterId !== null);
    }
    return { changes: pages.flatMap((page) => page.changes), pages, asOf: pages[0]?.headVersion ?? 0 };
  }
}

export const uuid = (): string => randomUUID();
