// GET services and GET services/:service_code: the service types that take new requests, as
// GeoReport v2 lists them. None has attributes (metadata false), every one is answered at once
// with a service-request number (type realtime), and the group is the department it goes to.
import type { Store } from '../store/store.js';
import type { Open311Record } from './format.js';

interface ServiceTypeRow {
  code: string;
  name: string;
  agency: string;
}

const STOP_WORDS = new Set(['and', 'or', 'of', 'the', 'in', 'on', 'for', 'a', 'an', 'to', 'other']);

/** "Rubbish/Recyclable Material Collection" → "rubbish, recyclable, material, collection". */
function keywordsOf(name: string): string {
  const words = name.toLowerCase().split(/[^a-z0-9]+/).filter((word) => word.length > 1 && !STOP_WORDS.has(word));
  return [...new Set(words)].join(', ');
}

function serviceRecord(row: ServiceTypeRow): Open311Record {
  return {
    service_code: row.code,
    service_name: row.name,
    description: `${row.name}, handled by ${row.agency}.`,
    metadata: false,
    type: 'realtime',
    keywords: keywordsOf(row.name),
    group: row.agency,
  };
}

export async function listServices(store: Store): Promise<Open311Record[]> {
  const rows = await store.query<ServiceTypeRow>('SELECT code, name, agency FROM service_types WHERE active ORDER BY name, code');
  return rows.map(serviceRecord);
}

/** The (empty) definition of a service that takes requests, or null for an unknown or retired code. */
export async function serviceDefinition(store: Store, code: string): Promise<Open311Record | null> {
  const [row] = await store.query<ServiceTypeRow>('SELECT code, name, agency FROM service_types WHERE code = $1 AND active', [code]);
  return row ? { service_code: row.code, attributes: [] } : null;
}
