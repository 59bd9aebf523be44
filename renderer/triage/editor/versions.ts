// The protocols a team lead can pick, and each one's version history. Versions are kept forever:
// the list shows every one, which is in effect now, and which are scheduled for later.
import { protocolsInEffect, type PublishedProtocol } from '../../../shared/triage/published.js';

export type VersionStatus = 'in-effect' | 'scheduled' | 'superseded';

export type VersionRow = {
  key: string;
  version: number;
  title: string;
  effectiveFrom: string;
  publishedAt: string;
  /** "Shipped with the product" for the starter set. */
  publishedBy: string;
  status: VersionStatus;
};

export type ProtocolListing = {
  id: string;
  /** The newest version's title. */
  title: string;
  newestVersion: number;
  inEffectVersion: number | null;
  /** Newest first. */
  versions: VersionRow[];
};

export function protocolListings(published: readonly PublishedProtocol[], now: Date): ProtocolListing[] {
  const inEffect = new Map(protocolsInEffect(published, now).map((protocol) => [protocol.id, protocol.version]));
  const byId = new Map<string, PublishedProtocol[]>();
  for (const entry of published) byId.set(entry.id, [...(byId.get(entry.id) ?? []), entry]);
  const listings = [...byId.entries()].map(([id, entries]): ProtocolListing => {
    const sorted = [...entries].sort((a, b) => b.version - a.version);
    const current = inEffect.get(id) ?? null;
    return {
      id,
      title: sorted[0]!.title,
      newestVersion: sorted[0]!.version,
      inEffectVersion: current,
      versions: sorted.map((entry) => ({
        key: entry.key,
        version: entry.version,
        title: entry.title,
        effectiveFrom: entry.effectiveFrom,
        publishedAt: entry.publishedAt,
        publishedBy: entry.publishedBy ?? 'Shipped with the product',
        status: entry.version === current ? 'in-effect' : Date.parse(entry.effectiveFrom) > now.getTime() ? 'scheduled' : 'superseded',
      })),
    };
  });
  return listings.sort((a, b) => a.title.localeCompare(b.title));
}

export function publishedVersion(published: readonly PublishedProtocol[], key: string): PublishedProtocol | null {
  return published.find((entry) => entry.key === key) ?? null;
}
