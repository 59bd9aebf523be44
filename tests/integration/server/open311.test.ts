// Open311 GeoReport v2 on a real server: the service catalogue and definitions, requests with the
// spec's filters in .json and .xml, POST with a partner's api key (the case reaches desks through
// sync pull, with an audit entry), refusals in the spec's error form that store nothing, the rate
// limits, and a grep of every public answer for the personal data the seeded cases hold.
import { randomUUID } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../../server/open311/api-keys.js';
import { putSyncedRows } from '../../../server/store/change-log.js';
import type { Store } from '../../../server/store/store.js';
import type { Caller } from '../../../shared/domain/caller.js';
import type { ServiceRequest } from '../../../shared/domain/service-request.js';
import { signIn, startTestServer, storeTargets, type TestServer } from './helpers.js';
import { DeskClient } from './sync-helpers.js';

const API = '/open311/v2';
const DAY = 86_400_000;
const xml = new XMLParser({ parseTagValue: false, isArray: (name) => ['service', 'request', 'error'].includes(name) });

/** The personal data the seeded cases hold; none of it may appear in a public answer. */
const RESIDENT = {
  callerId: randomUUID(),
  name: 'Quentin Marlowe',
  phone: '+12155550177',
  phoneWritten: '215-555-0177',
  email: 'quentin.marlowe@example.org',
  address: '4821 Baltimore Ave, Apt 3',
  lat: 39.9481234,
  lon: -75.2167891,
  note: 'Internal: resident is hard of hearing',
};
const FORBIDDEN_TEXT = [
  'Quentin', 'Marlowe', '555-0177', '2155550177', '5550177', 'quentin.marlowe', '4821', 'Apt 3', 'hard of hearing', '39.948123', '-75.216789',
];

interface Seeded {
  open: ServiceRequest;
  closed: ServiceRequest;
  old: ServiceRequest;
  codes: [string, string];
}

function caseRow(overrides: Partial<ServiceRequest> & Pick<ServiceRequest, 'reference' | 'serviceTypeCode' | 'agency' | 'requestedAt'>): ServiceRequest {
  return {
    id: randomUUID(), callerId: null, status: 'open', channel: 'phone', description: 'Pothole in the lane.', address: null, zipcode: null,
    neighborhoodId: null, lat: null, lon: null, updatedAt: overrides.requestedAt, closedAt: null, provisionalReference: null,
    fieldVersions: {}, priority: 'standard', ...overrides,
  };
}

async function seed(store: Store): Promise<Seeded> {
  const types = await store.query<{ code: string; agency: string }>(
    "SELECT code, agency FROM service_types WHERE active AND code <> 'information-request' ORDER BY code LIMIT 2",
  );
  const [first, second] = types as [{ code: string; agency: string }, { code: string; agency: string }];
  const now = Date.now();
  const caller: Caller = {
    id: RESIDENT.callerId, name: RESIDENT.name, phones: [RESIDENT.phone], email: RESIDENT.email, address: RESIDENT.address,
    zipcode: '19143', neighborhoodId: null, lat: RESIDENT.lat, lon: RESIDENT.lon, preferredLanguage: 'en',
    createdAt: new Date(now - 30 * DAY).toISOString(), updatedAt: new Date(now - 30 * DAY).toISOString(),
  };
  await putSyncedRows(store, 'caller', [caller]);
  const open = caseRow({
    reference: '19100001', serviceTypeCode: first.code, agency: first.agency, requestedAt: new Date(now - 2 * DAY).toISOString(),
    callerId: caller.id, status: 'in_progress', provisionalReference: 'P-7K3Q-9XH2', address: RESIDENT.address, zipcode: '19143',
    lat: RESIDENT.lat, lon: RESIDENT.lon,
    description: `Quentin Marlowe says the light is out in front of 4821 Baltimore Ave; call back at ${RESIDENT.phoneWritten} or ${RESIDENT.email}.`,
  });
  const closed = caseRow({
    reference: '19100002', serviceTypeCode: second.code, agency: second.agency, requestedAt: new Date(now - 10 * DAY).toISOString(),
    status: 'closed', closedAt: new Date(now - 6 * DAY).toISOString(), address: '130 S 52nd St', lat: 39.9571, lon: -75.2252,
  });
  const old = caseRow({ reference: '19100003', serviceTypeCode: first.code, agency: first.agency, requestedAt: new Date(now - 120 * DAY).toISOString() });
  await putSyncedRows(store, 'service_request', [open, closed, old]);
  await putSyncedRows(store, 'case_note', [{ id: randomUUID(), caseId: open.id, text: RESIDENT.note, authorAgentId: 'demo-calltaker', createdAt: new Date().toISOString() }]);
  return { open, closed, old, codes: [first.code, second.code] };
}

/** Rows whose count or head a refused request must leave as they were. */
async function snapshot(store: Store): Promise<Record<string, string>> {
  const [row] = await store.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM service_requests)::text AS cases, (SELECT count(*) FROM case_notes)::text AS notes,
       (SELECT count(*) FROM open311_submissions)::text AS submissions, (SELECT count(*) FROM audit_log)::text AS audit,
       (SELECT coalesce(max(version), 0) FROM change_log)::text AS head`,
  );
  return row as Record<string, string>;
}

type Row = Record<string, unknown>;

describe.each(storeTargets())('Open311 on $kind', (target) => {
  let test: TestServer;
  let seeded: Seeded;
  let apiKey: string;
  let apiKeyId: string;

  const get = (path: string) => fetch(`${test.url}${API}${path}`);
  const getJson = async (path: string): Promise<Row[]> => {
    const response = await get(path);
    expect(response.status, path).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return (await response.json()) as Row[];
  };
  const getXml = async (path: string): Promise<Row> => {
    const response = await get(path);
    expect(response.status, path).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    const text = await response.text();
    expect(text.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    return xml.parse(text) as Row;
  };
  const ids = (rows: Row[]) => rows.map((row) => row.service_request_id);
  const post = (format: 'json' | 'xml', fields: Record<string, string>) =>
    fetch(`${test.url}${API}/requests.${format}`, { method: 'POST', body: new URLSearchParams(fields) });
  const location = { lat: '39.9526', long: '-75.1652' };

  beforeAll(async () => {
    test = await startTestServer(target, { seed: false });
    seeded = await seed(test.server.store);
    const created = await createApiKey(test.server.store, 'Neighborhood App');
    apiKey = created.key;
    apiKeyId = created.id;
  }, 60_000);

  afterAll(async () => {
    await test?.dispose();
  });

  it('lists the active service types in both formats, each with its department as the group', async () => {
    const services = await getJson('/services.json');
    const [type] = await test.server.store.query<{ n: number }>('SELECT count(*)::int AS n FROM service_types WHERE active');
    expect(services).toHaveLength(Number(type?.n));
    const first = services.find((service) => service.service_code === seeded.codes[0]);
    expect(first).toMatchObject({ metadata: false, type: 'realtime', group: seeded.open.agency, service_name: expect.any(String), keywords: expect.any(String) });
    const fromXml = (await getXml('/services.xml')).services as { service: Row[] };
    expect(fromXml.service.map((service) => service.service_code)).toEqual(services.map((service) => service.service_code));
    expect(fromXml.service[0]).toMatchObject({ metadata: 'false', type: 'realtime' });
  });

  it('answers a service definition with no attributes, and 404 in the spec form for an unknown code', async () => {
    const response = await get(`/services/${seeded.codes[0]}.json`);
    expect(await response.json()).toEqual({ service_code: seeded.codes[0], attributes: [] });
    expect(await getXml(`/services/${seeded.codes[0]}.xml`)).toMatchObject({ service_definition: { service_code: seeded.codes[0], attributes: '' } });
    const missing = await get('/services/no-such-service.json');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual([{ code: 404, description: 'service_code "no-such-service" was not found' }]);
    const missingXml = await get('/services/no-such-service.xml');
    expect(missingXml.status).toBe(404);
    expect(xml.parse(await missingXml.text())).toEqual({ '?xml': '', errors: { error: [{ code: '404', description: 'service_code "no-such-service" was not found' }] } });
  });

  it('filters requests by window, code, status and ids, newest first, and maps our statuses to open/closed', async () => {
    // Without dates: the last 90 days.
    expect(ids(await getJson('/requests.json'))).toEqual(['19100001', '19100002']);
    const since = new Date(Date.now() - 200 * DAY).toISOString();
    expect(ids(await getJson(`/requests.json?start_date=${encodeURIComponent(since)}`))).toEqual(['19100001', '19100002', '19100003']);
    const until = new Date(Date.now() - 5 * DAY).toISOString();
    expect(ids(await getJson(`/requests.json?end_date=${encodeURIComponent(until)}`))).toEqual(['19100002']);
    expect(ids(await getJson(`/requests.json?service_code=${seeded.codes[1]}`))).toEqual(['19100002']);
    expect(ids(await getJson('/requests.json?status=closed'))).toEqual(['19100002']);
    expect(ids(await getJson('/requests.json?status=open'))).toEqual(['19100001']);
    expect(ids(await getJson('/requests.json?status=open,closed'))).toEqual(['19100001', '19100002']);
    // A list of ids overrides every other filter, the 120-day-old case included.
    expect(ids(await getJson('/requests.json?service_request_id=19100003,19100002&status=open'))).toEqual(['19100002', '19100003']);
    const [open] = await getJson('/requests/19100001.json');
    expect(open).toMatchObject({
      status: 'open', service_code: seeded.codes[0], agency_responsible: seeded.open.agency, status_notes: null, media_url: null,
      requested_datetime: seeded.open.requestedAt, address: '4800 block of Baltimore Ave', zipcode: '19143', lat: 39.948, long: -75.217,
    });
    const fromXml = (await getXml('/requests.xml?status=open,closed')).service_requests as { request: Row[] };
    expect(fromXml.request.map((request) => request.service_request_id)).toEqual(['19100001', '19100002']);
    expect(fromXml.request[1]).toMatchObject({ status: 'closed', address: '100 block of S 52nd St', lat: '39.957', long: '-75.225' });
    const single = (await getXml('/requests/19100002.xml')).service_requests as { request: Row[] };
    expect(single.request.map((request) => request.service_request_id)).toEqual(['19100002']);
  });

  it('pages with page and page_size, refuses a page_size over the cap, and answers 404 for an unknown id', async () => {
    const since = `start_date=${encodeURIComponent(new Date(Date.now() - 200 * DAY).toISOString())}`;
    expect(ids(await getJson(`/requests.json?${since}&page_size=2`))).toEqual(['19100001', '19100002']);
    expect(ids(await getJson(`/requests.json?${since}&page_size=2&page=2`))).toEqual(['19100003']);
    for (const query of ['page_size=1001', 'page_size=0', 'page=0', 'status=pending', 'start_date=yesterday', 'service_code=A%20B', 'jurisdiction_id=' + 'x'.repeat(101)]) {
      const response = await get(`/requests.json?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toEqual([{ code: 400, description: expect.any(String) }]);
    }
    const backwards = await get(`/requests.xml?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z`);
    expect(backwards.status).toBe(400);
    expect(xml.parse(await backwards.text())).toMatchObject({ errors: { error: [{ code: '400' }] } });
    for (const path of ['/requests/99999999.json', '/requests/P-7K3Q-9XH2.json']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual([{ code: 404, description: expect.stringContaining('was not found') }]);
    }
    const unknownXml = await get('/requests/99999999.xml');
    expect(unknownXml.status).toBe(404);
    expect(xml.parse(await unknownXml.text())).toMatchObject({ errors: { error: [{ code: '404' }] } });
  });

  it('files a POST with a valid key as a case desks pull, answers its number at once, and audits it', async () => {
    const before = await snapshot(test.server.store);
    const response = await post('json', {
      api_key: apiKey, service_code: seeded.codes[0], ...location, description: 'Pothole near the corner.', email: 'resident@example.net',
      first_name: 'Ria', last_name: 'Okafor', phone: '(215) 555-0133', account_id: 'acct-9', address_string: '',
    });
    expect(response.status).toBe(201);
    const [answer] = (await response.json()) as Row[];
    expect(answer).toEqual({ service_request_id: expect.stringMatching(/^\d+$/), service_notice: null, account_id: 'acct-9' });
    const id = answer?.service_request_id as string;

    const [shown] = await getJson(`/requests/${id}.json`);
    expect(shown).toMatchObject({ status: 'open', service_code: seeded.codes[0], description: 'Pothole near the corner.', lat: 39.953, long: -75.165 });

    // A desk pulls it like any case, with the intake note naming the app and the contact.
    const desk = new DeskClient(test.url, await signIn(test.url, 'demo-calltaker'));
    const pulled = await desk.pull(0);
    const row = pulled.changes.flatMap((change) => (change.op === 'put' && change.entity === 'service_request' && change.row.reference === id ? [change.row] : []))[0];
    expect(row).toMatchObject({ channel: 'open311', status: 'open', serviceTypeCode: seeded.codes[0], neighborhoodId: expect.any(String), zipcode: expect.stringMatching(/^\d{5}$/) });
    const note = pulled.changes.find((change) => change.op === 'put' && change.entity === 'case_note' && change.row.caseId === row?.id);
    expect(note?.op === 'put' && note.entity === 'case_note' ? note.row.text : '').toContain('Filed through Open311 by Neighborhood App.');
    expect(note?.op === 'put' && note.entity === 'case_note' ? note.row.text : '').toContain('phone +12155550133');

    const [audit] = await test.server.store.query<{ agent_id: string | null; object_id: string; details: Row; client_id: string }>(
      "SELECT agent_id, object_id, details, client_id FROM audit_log WHERE action = 'open311.request_created' AND object_id = $1",
      [row?.id],
    );
    expect(audit).toEqual({ agent_id: null, object_id: row?.id, details: { apiKeyId, serviceCode: seeded.codes[0], serviceRequestId: id }, client_id: `open311:${apiKeyId}` });
    const after = await snapshot(test.server.store);
    expect(Number(after.cases) - Number(before.cases)).toBe(1);
    expect(Number(after.submissions) - Number(before.submissions)).toBe(1);

    // JSON bodies too, answered in XML.
    const asJson = await fetch(`${test.url}${API}/requests.xml`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: apiKey, service_code: seeded.codes[1], address_string: '1400 John F Kennedy Blvd, Philadelphia, PA 19107' }),
    });
    expect(asJson.status).toBe(201);
    const created = xml.parse(await asJson.text()) as { service_requests: { request: Row[] } };
    const [shownXml] = await getJson(`/requests/${created.service_requests.request[0]?.service_request_id as string}.json`);
    expect(shownXml).toMatchObject({ address: '1400 block of John F Kennedy Blvd', zipcode: '19107', lat: null, long: null });
  });

  it('refuses a missing, unknown or revoked key with 403 in the spec form, storing nothing', async () => {
    const revoked = await createApiKey(test.server.store, 'Retired App');
    expect(await revokeApiKey(test.server.store, revoked.id)).toBe(true);
    const before = await snapshot(test.server.store);
    const valid = { service_code: seeded.codes[0], ...location };
    for (const key of [undefined, '', 'o311_not-a-key', revoked.key]) {
      for (const format of ['json', 'xml'] as const) {
        const response = await post(format, key === undefined ? valid : { ...valid, api_key: key });
        const what = `${format} ${String(key)}`;
        expect(response.status, what).toBe(403);
        const text = await response.text();
        const code = format === 'json' ? (JSON.parse(text) as Row[])[0]?.code : (xml.parse(text) as { errors: { error: Row[] } }).errors.error[0]?.code;
        expect(String(code), what).toBe('403');
      }
    }
    expect(await snapshot(test.server.store)).toEqual(before);
  });

  it('refuses bad input with 400 in the spec form, storing nothing', async () => {
    const before = await snapshot(test.server.store);
    const bad: Array<Record<string, string>> = [
      { service_code: 'no-such-service', ...location },
      { service_code: 'Bad Code!', ...location },
      { ...location },
      { service_code: seeded.codes[0] },
      { service_code: seeded.codes[0], lat: '91', long: '-75.16' },
      { service_code: seeded.codes[0], lat: 'north', long: '-75.16' },
      { service_code: seeded.codes[0], lat: '39.95' },
      { service_code: seeded.codes[0], lat: '40.7128', long: '-74.0060' },
      { service_code: seeded.codes[0], address_id: 'A-1' },
      { service_code: seeded.codes[0], ...location, email: 'not an email' },
      { service_code: seeded.codes[0], ...location, phone: '12' },
      { service_code: seeded.codes[0], ...location, description: 'x'.repeat(4001) },
    ];
    for (const fields of bad) {
      const response = await post('json', { api_key: apiKey, ...fields });
      const what = JSON.stringify(fields).slice(0, 120);
      expect(response.status, what).toBe(400);
      expect(await response.json(), what).toEqual([{ code: 400, description: expect.any(String) }]);
    }
    const notJson = await fetch(`${test.url}${API}/requests.xml`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"api_key":' });
    expect(notJson.status).toBe(400);
    expect(xml.parse(await notJson.text())).toMatchObject({ errors: { error: [{ code: '400' }] } });
    expect(await snapshot(test.server.store)).toEqual(before);
  });

  it('shows aggregates on the public page, with a CSP that lets nothing run', async () => {
    const response = await fetch(`${test.url}/public`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; /);
    const page = await response.text();
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain(`href="${API}/services.json"`);
    const [type] = await test.server.store.query<{ name: string }>('SELECT name FROM service_types WHERE code = $1', [seeded.codes[1]]);
    // The closed case: opened 10 days ago, closed 4 days later.
    expect(page).toContain(`<tr><td>${type?.name as string}</td>`);
    expect(page).toMatch(/<td class="n">4\.0<\/td>/);
  });

  it('never shows a caller, a note, a provisional reference or an exact place in any public answer', async () => {
    const since = `start_date=${encodeURIComponent(new Date(Date.now() - 200 * DAY).toISOString())}`;
    const paths = [
      `${API}/services.json`, `${API}/services.xml`, `${API}/services/${seeded.codes[0]}.json`, `${API}/services/${seeded.codes[0]}.xml`,
      `${API}/requests.json`, `${API}/requests.xml`, `${API}/requests.json?${since}`, `${API}/requests.xml?${since}`,
      `${API}/requests.json?service_request_id=19100001,19100002,19100003`, `${API}/requests.xml?service_request_id=19100001`,
      `${API}/requests/19100001.json`, `${API}/requests/19100001.xml`, `${API}/requests/19100002.json`, '/public',
    ];
    const leaks: string[] = [];
    for (const path of paths) {
      const response = await fetch(`${test.url}${path}`);
      expect(response.status, path).toBe(200);
      const text = await response.text();
      for (const forbidden of [...FORBIDDEN_TEXT, RESIDENT.callerId, seeded.open.id, seeded.open.provisionalReference as string]) {
        if (text.toLowerCase().includes(forbidden.toLowerCase())) leaks.push(`${path} shows "${forbidden}"`);
      }
    }
    expect(leaks).toEqual([]);
    // What is left of the description still says what is wrong and where, to the block.
    const [open] = await getJson('/requests/19100001.json');
    expect(open?.description).toBe('[name] says the light is out in front of 4800 block of Baltimore Ave; call back at [phone] or [email].');
  });
});

describe.each(storeTargets())('Open311 POST rate limits on $kind', (target) => {
  let test: TestServer;
  let apiKey: string;

  beforeAll(async () => {
    // Behind a trusted proxy, so each request can come from an address of its own.
    test = await startTestServer(target, { seed: false, trustProxy: true });
    apiKey = (await createApiKey(test.server.store, 'Busy App')).key;
  }, 60_000);

  afterAll(async () => {
    await test?.dispose();
  });

  const post = (address: string, fields: Record<string, string>) =>
    fetch(`${test.url}${API}/requests.json`, { method: 'POST', headers: { 'x-forwarded-for': address }, body: new URLSearchParams(fields) });

  it('answers the 31st POST in a minute from one address with 429 in the spec form, and other addresses still post', async () => {
    for (let i = 0; i < 30; i += 1) expect((await post('203.0.113.7', { api_key: apiKey, service_code: 'no-such-service' })).status).toBe(400);
    const limited = await post('203.0.113.7', { api_key: apiKey, service_code: 'no-such-service' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toEqual([{ code: 429, description: expect.stringContaining('at most 30 a minute') }]);
    expect((await post('203.0.113.8', { api_key: apiKey, service_code: 'no-such-service' })).status).toBe(400);
  });

  it('answers the 121st POST in a minute with one key from many addresses with 429', async () => {
    // 30 above, one from another address, then 89 more from fresh addresses: 120 in all.
    for (let i = 0; i < 89; i += 1) expect((await post(`198.51.100.${i + 1}`, { api_key: apiKey, service_code: 'no-such-service' })).status).toBe(400);
    const limited = await post('198.51.100.200', { api_key: apiKey, service_code: 'no-such-service' });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual([{ code: 429, description: expect.stringContaining('this api_key') }]);
    // A request without a key is refused for that, not counted against the key.
    expect((await post('198.51.100.201', { service_code: 'no-such-service' })).status).toBe(403);
  });
});
