// The demo data generator and reference data: deterministic per seed, valid against the shared
// schemas, the fixed demo callers present, and places that agree with the polygons.
import { describe, expect, it } from 'vitest';
import {
  DEMO_CALLERS, findNeighborhood, findZipcode, generateDemoData, loadNeighborhoods, loadServiceTypes, MAX_BATCH_SIZE,
  type DemoBatch, type DemoDataOptions,
} from '../../../server/demo-data/generate.js';
import { isInside, loadNeighborhoodAreas } from '../../../server/demo-data/reference-data.js';
import { CallerSchema, type Caller } from '../../../shared/domain/caller.js';
import { NeighborhoodSchema } from '../../../shared/domain/neighborhood.js';
import { ServiceRequestSchema, type ServiceRequest } from '../../../shared/domain/service-request.js';
import { ServiceTypeSchema, serviceTypeCode } from '../../../shared/domain/service-type.js';
import { normalizePhone } from '../../../shared/phone.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');

/** Inside the named neighborhood's own polygon (a few Azavea polygons overlap at their edges). */
function insideNeighborhood(id: string | null, lat: number | null, lon: number | null): boolean {
  const area = loadNeighborhoodAreas().find((candidate) => candidate.neighborhood.id === id);
  return area !== undefined && lat !== null && lon !== null && isInside(area, lon, lat);
}

function collect(options: DemoDataOptions): { batches: DemoBatch[]; callers: Caller[]; requests: ServiceRequest[] } {
  const batches = [...generateDemoData(options)];
  const callers = batches.flatMap((batch) => (batch.entity === 'caller' ? batch.rows : []));
  const requests = batches.flatMap((batch) => (batch.entity === 'service_request' ? batch.rows : []));
  return { batches, callers, requests };
}

describe('generateDemoData', () => {
  const sample = collect({ seed: 42, callers: 400, cases: 1200, now: NOW });

  it('gives the same rows for the same seed and different rows for another seed', () => {
    const again = collect({ seed: 42, callers: 400, cases: 1200, now: NOW });
    expect(again.batches).toEqual(sample.batches);
    const other = collect({ seed: 43, callers: 400, cases: 1200, now: NOW });
    const generatedIds = (rows: Caller[]) => rows.slice(DEMO_CALLERS.length).map((caller) => caller.id);
    expect(generatedIds(other.callers)).not.toEqual(generatedIds(sample.callers));
    expect(other.callers.slice(DEMO_CALLERS.length).map((c) => c.phones[0])).not.toEqual(
      sample.callers.slice(DEMO_CALLERS.length).map((c) => c.phones[0]),
    );
    expect(other.requests.map((r) => r.serviceTypeCode)).not.toEqual(sample.requests.map((r) => r.serviceTypeCode));
  });

  it('yields callers before cases, in batches of at most the batch size', () => {
    const entities = sample.batches.map((batch) => batch.entity);
    expect(entities.indexOf('service_request')).toBeGreaterThan(entities.lastIndexOf('caller'));
    const small = collect({ seed: 1, callers: 250, cases: 30, now: NOW, batchSize: 100 });
    expect(small.batches.map((batch) => batch.rows.length)).toEqual([100, 100, 55, 36]);
    const big = [...generateDemoData({ seed: 1, callers: 5_200, cases: 0, now: NOW })];
    expect(Math.max(...big.map((batch) => batch.rows.length))).toBe(MAX_BATCH_SIZE);
  });

  it('produces rows that parse with the shared schemas', () => {
    for (const caller of sample.callers) expect(CallerSchema.parse(caller)).toEqual(caller);
    for (const request of sample.requests) expect(ServiceRequestSchema.parse(request)).toEqual(request);
    expect(sample.callers).toHaveLength(400 + DEMO_CALLERS.length);
  });

  it('includes Denise Whitfield with two closed cases and one open one', () => {
    const denise = sample.callers[0] as Caller;
    expect(denise).toMatchObject({ name: 'Denise Whitfield', phones: ['+12155550142'], neighborhoodId: 'DICKINSON_NARROWS' });
    expect(denise.address).toMatch(/\d+ .+/);
    const cases = sample.requests.filter((request) => request.callerId === denise.id);
    expect(cases.filter((c) => c.status === 'closed')).toHaveLength(2);
    expect(cases.filter((c) => c.status === 'open')).toHaveLength(1);
    expect(cases.map((c) => c.reference)).toEqual(['19000001', '19000002', '19000003']);
    for (const c of cases) expect(Date.parse(c.requestedAt)).toBeLessThan(NOW.getTime());
  });

  it('has a caller with two numbers and a household of two callers on one number', () => {
    expect(DEMO_CALLERS.some((caller) => caller.phones.length === 2)).toBe(true);
    const household = sample.callers.filter((caller) => caller.phones.includes('+12155550199'));
    expect(household.map((caller) => caller.name).sort()).toEqual(['Luis Alvarez', 'Rosa Alvarez']);
  });

  it('places demo callers inside the neighborhood and ZIP polygons they name', () => {
    for (const caller of DEMO_CALLERS) {
      expect(findNeighborhood(caller.lat as number, caller.lon as number)?.id).toBe(caller.neighborhoodId);
      expect(findZipcode(caller.lat as number, caller.lon as number)).toBe(caller.zipcode);
    }
  });

  it('gives generated callers unique, valid Philadelphia numbers that never collide with the demo ones', () => {
    const demoNumbers = new Set(DEMO_CALLERS.flatMap((caller) => caller.phones));
    const generated = sample.callers.slice(DEMO_CALLERS.length).flatMap((caller) => caller.phones);
    expect(new Set(generated).size).toBe(generated.length);
    for (const phone of generated) {
      expect(demoNumbers.has(phone)).toBe(false);
      expect(phone).toMatch(/^\+1(215|267|445)\d{7}$/);
      expect(normalizePhone(phone)).toMatchObject({ ok: true, e164: phone });
    }
    expect(sample.callers.some((caller) => caller.phones.length === 2 && !demoNumbers.has(caller.phones[0] as string))).toBe(true);
  });

  it('puts generated callers at points inside the neighborhood and ZIP code they are given', () => {
    for (const caller of sample.callers.slice(DEMO_CALLERS.length)) {
      expect(insideNeighborhood(caller.neighborhoodId, caller.lat, caller.lon)).toBe(true);
      expect(caller.zipcode).toBe(findZipcode(caller.lat as number, caller.lon as number));
    }
  });

  it('makes cases with official references, known types and agencies, and a realistic mix', () => {
    const references = sample.requests.map((request) => Number(request.reference));
    expect(references).toEqual(references.map((_, i) => 19_000_001 + i));
    const types = new Map(loadServiceTypes().map((type) => [type.code, type]));
    const callerIds = new Set(sample.callers.map((caller) => caller.id));
    const createdAt = new Map(sample.callers.map((caller) => [caller.id, Date.parse(caller.createdAt)]));
    const generated = sample.requests.slice(6);
    for (const request of generated) {
      const type = types.get(request.serviceTypeCode);
      expect(type?.agency).toBe(request.agency);
      if (request.callerId) {
        expect(callerIds.has(request.callerId)).toBe(true);
        expect(createdAt.get(request.callerId)).toBeLessThanOrEqual(Date.parse(request.requestedAt));
      }
      if (!type?.needsLocation) expect(request.lat).toBeNull();
      const age = NOW.getTime() - Date.parse(request.requestedAt);
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThanOrEqual(365 * 86_400_000);
      if (request.closedAt) expect(Date.parse(request.closedAt)).toBeGreaterThanOrEqual(Date.parse(request.requestedAt));
      expect(request.status === 'closed').toBe(request.closedAt !== null);
    }
    const share = (predicate: (r: ServiceRequest) => boolean) => generated.filter(predicate).length / generated.length;
    expect(share((r) => r.callerId !== null)).toBeGreaterThan(0.5);
    expect(share((r) => r.callerId !== null)).toBeLessThan(0.7);
    expect(share((r) => r.status === 'closed')).toBeGreaterThan(0.8);
    expect(share((r) => r.channel === 'phone')).toBeGreaterThan(0.45);
    // The real 2025 mix: information requests are the biggest single type, near half the cases.
    expect(share((r) => r.serviceTypeCode === 'information-request')).toBeGreaterThan(0.35);
    expect(share((r) => r.serviceTypeCode === 'information-request')).toBeLessThan(0.55);
    // Recent cases are open more often than old ones.
    const recent = generated.filter((r) => NOW.getTime() - Date.parse(r.requestedAt) < 14 * 86_400_000 && r.serviceTypeCode !== 'information-request');
    expect(recent.filter((r) => r.status !== 'closed').length / recent.length).toBeGreaterThan(0.3);
  });
});

describe('reference data', () => {
  it('lists service types once per code, with agencies and the ones that need no location', () => {
    const types = loadServiceTypes();
    for (const type of types) expect(ServiceTypeSchema.parse(type)).toEqual(type);
    expect(new Set(types.map((type) => type.code)).size).toBe(types.length);
    for (const type of types) expect(type.code).toBe(serviceTypeCode(type.name));
    const byName = new Map(types.map((type) => [type.name, type]));
    expect(byName.get('Maintenance Complaint')?.agency).toBe('Community Life Improvement Program');
    expect(byName.get('Abandoned Vehicle')?.agency).toBe('Police Department');
    expect(types.filter((type) => !type.needsLocation).map((type) => type.name).sort()).toEqual([
      'Digital Navigator Request', 'Directory Assistance', 'Information Request',
    ]);
    // The 2017 spelling "Newsstand Outdoor Cafe" shares its code with "Newsstand/Outdoor Cafe".
    expect(types.filter((type) => type.code === 'newsstand-outdoor-cafe')).toHaveLength(1);
  });

  it("lists Azavea's 158 neighborhoods with label points inside them", () => {
    const neighborhoods = loadNeighborhoods();
    expect(neighborhoods).toHaveLength(158);
    for (const neighborhood of neighborhoods) {
      NeighborhoodSchema.parse(neighborhood);
      expect(insideNeighborhood(neighborhood.id, neighborhood.labelLat, neighborhood.labelLon)).toBe(true);
    }
    expect(neighborhoods.find((n) => n.id === 'PENNYPACK_PARK')?.name).toBe('Pennypack Park');
    expect(findNeighborhood(39.9526, -75.1652)?.id).toBe('CENTER_CITY');
    expect(findNeighborhood(40.7128, -74.006)).toBeNull();
  });
});
