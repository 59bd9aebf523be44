// The starter set as the desk would list it (every protocol published once, shipped with the
// product) and the real service type catalogue, for the protocol editor's tests.
import { loadServiceTypes } from '../../../server/demo-data/reference-data.js';
import { TriageProtocolSchema } from '../../../shared/triage/protocol.js';
import { protocolKey, type PublishedProtocol } from '../../../shared/triage/published.js';
import { STARTER_PROTOCOLS } from '../../../shared/triage/starter/index.js';

export const serviceTypes = loadServiceTypes();

/** The desk's clock in these tests: after the starter set took effect. */
export const NOW = new Date('2026-12-02T10:00:00Z');

export function starterPublished(): PublishedProtocol[] {
  return STARTER_PROTOCOLS.map((input) => {
    const document = TriageProtocolSchema.parse(input);
    return {
      key: protocolKey(document.id, document.version),
      id: document.id,
      version: document.version,
      title: document.title,
      effectiveFrom: document.effectiveFrom,
      publishedAt: '2026-12-01T00:00:00.000Z',
      publishedBy: null,
      document,
    };
  });
}

/** A later version of a published protocol, as the server would return it. */
export function laterVersion(entry: PublishedProtocol, version: number, effectiveFrom: string, publishedBy = 'lead-1'): PublishedProtocol {
  return {
    ...entry,
    key: protocolKey(entry.id, version),
    version,
    effectiveFrom,
    publishedAt: '2026-12-02T09:00:00.000Z',
    publishedBy,
    document: { ...entry.document, version, effectiveFrom },
  };
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
