// Deterministic demo callers and cases for a seed, streamed in batches so a city-sized data set
// (500,000 callers, 1,000,000 cases) never sits in memory as rows.
import { stringify as uuidToString, v7 as uuidv7 } from 'uuid';
import type { Caller } from '../../shared/domain/caller.js';
import type { ServiceRequest, ServiceRequestStatus } from '../../shared/domain/service-request.js';
import type { ServiceType } from '../../shared/domain/service-type.js';
import { DEMO_CALLERS, FIRST_REFERENCE, demoServiceRequests } from './demo-callers.js';
import { createRandom, WeightedPicker, type Random } from './prng.js';
import {
  isInside,
  loadNeighborhoodAreas,
  loadServiceTypes,
  loadServiceTypeWeights,
  loadZipAreas,
  type NeighborhoodArea,
} from './reference-data.js';
import { describeRequest, FIRST_NAMES, LANGUAGES, LAST_NAMES, STREETS } from './vocabulary.js';

export { DEMO_CALLERS, demoServiceRequests } from './demo-callers.js';
export { loadNeighborhoodAreas, loadNeighborhoods, loadServiceTypes, findNeighborhood, findZipcode } from './reference-data.js';

export type DemoBatch =
  | { entity: 'caller'; rows: Caller[] }
  | { entity: 'service_request'; rows: ServiceRequest[] };

export interface DemoDataOptions {
  seed: number;
  /** Generated callers, in addition to the fixed DEMO_CALLERS. */
  callers: number;
  /** Generated cases, in addition to the demo callers' own cases. */
  cases: number;
  now?: Date;
  /** Rows per batch, at most 5,000. */
  batchSize?: number;
}

export const MAX_BATCH_SIZE = 5_000;
const DAY = 86_400_000;

// Where nobody lives: callers get homes elsewhere (cases can still be anywhere).
const NON_RESIDENTIAL = new Set([
  'AIRPORT', 'NORTHEAST_AIRPORT', 'NAVY_YARD', 'INDUSTRIAL', 'EAST_PARK', 'WEST_PARK', 'PENNYPACK_PARK',
  'WISSAHICKON_PARK', 'ROXBOROUGH_PARK', 'STADIUM_DISTRICT', 'FRANKLIN_MILLS', 'SOUTHWEST_SCHUYLKILL',
]);

interface Place {
  address: string;
  street: string;
  zipcode: string | null;
  neighborhoodId: string;
  lat: number;
  lon: number;
}

/** Picks a point inside a neighborhood by rejection sampling in its bounding box. */
function placeIn(area: NeighborhoodArea, random: Random): Place {
  const [minLon, minLat, maxLon, maxLat] = area.bbox;
  let lon = area.neighborhood.labelLon;
  let lat = area.neighborhood.labelLat;
  for (let attempt = 0; attempt < 200; attempt++) {
    const candidateLon = minLon + random.next() * (maxLon - minLon);
    const candidateLat = minLat + random.next() * (maxLat - minLat);
    if (isInside(area, candidateLon, candidateLat)) {
      lon = candidateLon;
      lat = candidateLat;
      break;
    }
  }
  lat = Math.round(lat * 1e6) / 1e6;
  lon = Math.round(lon * 1e6) / 1e6;
  const street = random.pick(STREETS);
  const zipcode = loadZipAreas().find((zip) => isInside(zip, lon, lat))?.zipcode ?? null;
  return { address: `${random.int(100, 7999)} ${street}`, street, zipcode, neighborhoodId: area.neighborhood.id, lat, lon };
}

/**
 * Unique, valid Philadelphia numbers from a counter: the counter is spread over 215/267/445 and
 * every usable exchange by a fixed permutation, so numbers look random yet never repeat. The 555
 * exchange is left out, which keeps them clear of the demo callers' fictional 555-01xx numbers.
 */
class PhoneNumbers {
  private static readonly AREA_CODES = [215, 267, 445];
  private readonly exchanges: number[] = [];
  private readonly size: number;
  private readonly offset: number;
  private counter = 0;

  constructor(seed: number) {
    for (let exchange = 200; exchange <= 999; exchange++) {
      // N11 codes are service codes, 555 holds the fictional demo numbers, 950/958/959/976 are not subscriber lines.
      if (exchange % 100 === 11 || [555, 950, 958, 959, 976].includes(exchange)) continue;
      this.exchanges.push(exchange);
    }
    this.size = PhoneNumbers.AREA_CODES.length * this.exchanges.length * 10_000;
    this.offset = createRandom(seed, 'phones').int(0, this.size - 1);
  }

  next(): string {
    // 1,000,003 is prime and does not divide the space's size, so this walks every number once.
    const slot = (this.counter++ * 1_000_003 + this.offset) % this.size;
    const line = slot % 10_000;
    const exchange = this.exchanges[Math.floor(slot / 10_000) % this.exchanges.length] as number;
    const area = PhoneNumbers.AREA_CODES[Math.floor(slot / (10_000 * this.exchanges.length))] as number;
    return `+1${area}${exchange}${String(line).padStart(4, '0')}`;
  }
}

/** What a case needs to know about the caller it is linked to, in compact arrays. */
class CallerDirectory {
  readonly ids: Uint8Array;
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  readonly neighborhood: Int16Array;
  readonly zip: Int16Array;
  readonly house: Int32Array;
  readonly street: Int16Array;

  constructor(readonly count: number) {
    this.ids = new Uint8Array(count * 16);
    this.lat = new Float64Array(count);
    this.lon = new Float64Array(count);
    this.neighborhood = new Int16Array(count);
    this.zip = new Int16Array(count);
    this.house = new Int32Array(count);
    this.street = new Int16Array(count);
  }

  id(index: number): string {
    return uuidToString(this.ids, index * 16);
  }
}

function generateCaller(index: number, random: Random, context: GeneratorContext): Caller {
  const { now, directory, phones, residentialAreas, languages } = context;
  // Known for over a year, so none of their cases (all from the past year) predates them.
  const createdMs = now.getTime() - random.int(366, 4 * 365) * DAY - random.int(0, DAY - 1);
  const updatedMs = createdMs + Math.floor(random.next() * (now.getTime() - createdMs));
  uuidv7({ msecs: createdMs, random: random.bytes(16) }, directory.ids, index * 16);
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const callerPhones = [phones.next()];
  if (random.chance(0.1)) callerPhones.push(phones.next());
  const areaIndex = random.int(0, residentialAreas.length - 1);
  const area = residentialAreas[areaIndex] as NeighborhoodArea;
  const place = placeIn(area, random);

  directory.lat[index] = place.lat;
  directory.lon[index] = place.lon;
  directory.neighborhood[index] = context.areaIndexById.get(area.neighborhood.id) ?? -1;
  directory.zip[index] = place.zipcode ? context.zipIndexByCode.get(place.zipcode) ?? -1 : -1;
  directory.house[index] = Number(place.address.split(' ')[0]);
  directory.street[index] = STREETS.indexOf(place.street);

  return {
    id: directory.id(index),
    name: `${first} ${last}`,
    phones: callerPhones,
    email: random.chance(0.35) ? `${first}.${last}${random.int(1, 999)}@example.com`.toLowerCase() : null,
    address: place.address,
    zipcode: place.zipcode,
    neighborhoodId: place.neighborhoodId,
    lat: place.lat,
    lon: place.lon,
    preferredLanguage: languages.pick(random),
    createdAt: new Date(createdMs).toISOString(),
    updatedAt: new Date(updatedMs).toISOString(),
  };
}

/** Newer cases are more often still open, as in the real data where most are closed. */
function statusFor(ageDays: number, type: ServiceType, random: Random): ServiceRequestStatus {
  if (!type.needsLocation) return 'closed';
  const [open, inProgress] = ageDays < 2 ? [0.7, 0.15] : ageDays < 14 ? [0.35, 0.2] : ageDays < 60 ? [0.1, 0.08] : [0.03, 0.02];
  const draw = random.next();
  return draw < open ? 'open' : draw < open + inProgress ? 'in_progress' : 'closed';
}

function generateCase(index: number, random: Random, context: GeneratorContext): ServiceRequest {
  const { now, directory, serviceTypes } = context;
  const type = serviceTypes.pick(random);
  // Spread evenly over the past year in order, so references grow with time as the city's do.
  const spanMs = 365 * DAY;
  const requestedMs = Math.floor(now.getTime() - spanMs + ((index + random.next()) / context.caseCount) * spanMs);
  const ageDays = (now.getTime() - requestedMs) / DAY;
  const status = statusFor(ageDays, type, random);
  const linked = directory.count > 0 && random.chance(0.6);
  const callerIndex = linked ? random.int(0, directory.count - 1) : -1;

  let place: Omit<Place, 'street'> & { street: string | null } | null = null;
  if (type.needsLocation) {
    if (linked && random.chance(0.65)) {
      const street = STREETS[directory.street[callerIndex] as number] ?? null;
      const zipIndex = directory.zip[callerIndex] as number;
      place = {
        address: `${directory.house[callerIndex]} ${street}`,
        street,
        zipcode: zipIndex >= 0 ? (context.zipAreas[zipIndex]?.zipcode ?? null) : null,
        neighborhoodId: context.areas[directory.neighborhood[callerIndex] as number]?.neighborhood.id ?? '',
        lat: directory.lat[callerIndex] as number,
        lon: directory.lon[callerIndex] as number,
      };
    } else {
      place = placeIn(random.pick(context.areas), random);
    }
  }

  let closedMs: number | null = null;
  if (status === 'closed') {
    const typical = type.needsLocation ? random.next() ** 2 * 30 * DAY + 3_600_000 : random.int(60_000, 900_000);
    closedMs = requestedMs + Math.min(typical, Math.floor((now.getTime() - requestedMs) * random.next()));
  }
  const updatedMs =
    closedMs ?? (status === 'in_progress' ? requestedMs + Math.floor((now.getTime() - requestedMs) * random.next()) : requestedMs);

  const channel: ServiceRequest['channel'] = linked
    ? random.chance(0.9) ? 'phone' : random.chance(0.6) ? 'email' : 'walk_in'
    : random.chance(0.55) ? 'web' : 'app';

  return {
    id: uuidv7({ msecs: requestedMs, random: random.bytes(16) }),
    reference: String(context.firstReference + index),
    callerId: linked ? directory.id(callerIndex) : null,
    serviceTypeCode: type.code,
    status,
    channel,
    description: describeRequest(type.name, place?.street ?? null, (options) => random.pick(options)),
    address: place?.address ?? null,
    zipcode: place?.zipcode ?? null,
    neighborhoodId: place?.neighborhoodId || null,
    lat: place?.lat ?? null,
    lon: place?.lon ?? null,
    agency: type.agency,
    requestedAt: new Date(requestedMs).toISOString(),
    updatedAt: new Date(updatedMs).toISOString(),
    closedAt: closedMs === null ? null : new Date(closedMs).toISOString(),
    provisionalReference: null,
    // Filled by the change log with the version that creates the row.
    fieldVersions: {},
    priority: 'standard',
  };
}

interface GeneratorContext {
  now: Date;
  caseCount: number;
  firstReference: number;
  directory: CallerDirectory;
  phones: PhoneNumbers;
  areas: NeighborhoodArea[];
  residentialAreas: NeighborhoodArea[];
  areaIndexById: Map<string, number>;
  zipAreas: ReturnType<typeof loadZipAreas>;
  zipIndexByCode: Map<string, number>;
  serviceTypes: WeightedPicker<ServiceType>;
  languages: WeightedPicker<string>;
}

function createContext(options: DemoDataOptions, now: Date, firstReference: number): GeneratorContext {
  const areas = loadNeighborhoodAreas();
  const zipAreas = loadZipAreas();
  const weights = loadServiceTypeWeights();
  return {
    now,
    caseCount: Math.max(1, options.cases),
    firstReference,
    directory: new CallerDirectory(options.callers),
    phones: new PhoneNumbers(options.seed),
    areas,
    residentialAreas: areas.filter((area) => !NON_RESIDENTIAL.has(area.neighborhood.id)),
    areaIndexById: new Map(areas.map((area, index) => [area.neighborhood.id, index])),
    zipAreas,
    zipIndexByCode: new Map(zipAreas.map((zip, index) => [zip.zipcode, index])),
    serviceTypes: new WeightedPicker(
      loadServiceTypes()
        .filter((type) => type.active)
        .map((type) => ({ item: type, weight: weights.get(type.code) ?? 0 })),
    ),
    languages: new WeightedPicker(LANGUAGES),
  };
}

function* inBatches<T>(rows: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Yields the fixed demo callers and the generated callers, then the demo cases and the generated
 * cases, in batches of at most 5,000 rows. Callers come first because cases refer to them.
 */
export function* generateDemoData(options: DemoDataOptions): Generator<DemoBatch> {
  if (!Number.isInteger(options.callers) || options.callers < 0) throw new RangeError('callers must be a whole number ≥ 0');
  if (!Number.isInteger(options.cases) || options.cases < 0) throw new RangeError('cases must be a whole number ≥ 0');
  const size = Math.min(MAX_BATCH_SIZE, Math.max(1, options.batchSize ?? MAX_BATCH_SIZE));
  const now = options.now ?? new Date();
  const demoCases = demoServiceRequests(now);
  const context = createContext(options, now, FIRST_REFERENCE + demoCases.length);

  const callerRandom = createRandom(options.seed, 'callers');
  function* callers(): Generator<Caller> {
    yield* DEMO_CALLERS.map((caller) => structuredClone(caller) as Caller);
    for (let index = 0; index < options.callers; index++) yield generateCaller(index, callerRandom, context);
  }
  for (const rows of inBatches(callers(), size)) yield { entity: 'caller', rows };

  const caseRandom = createRandom(options.seed, 'cases');
  function* cases(): Generator<ServiceRequest> {
    yield* demoCases;
    for (let index = 0; index < options.cases; index++) yield generateCase(index, caseRandom, context);
  }
  for (const rows of inBatches(cases(), size)) yield { entity: 'service_request', rows };
}
