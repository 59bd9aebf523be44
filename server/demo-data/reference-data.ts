// Reference data the server seeds and the demo generator draws from: Philly311 service types,
// Azavea's neighborhoods with their polygons, ZIP code polygons, and the real 2025 case mix.
import { readFileSync } from 'node:fs';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { bbox } from '@turf/bbox';
import { pointOnFeature } from '@turf/point-on-feature';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Neighborhood } from '../../shared/domain/neighborhood.js';
import { serviceTypeCode, type ServiceType } from '../../shared/domain/service-type.js';
import { parseCsv } from './csv.js';

const DATA_DIR = new URL('./data/', import.meta.url);

function readData(name: string): string {
  return readFileSync(new URL(name, DATA_DIR), 'utf8');
}

type BBox = [number, number, number, number];

export interface NeighborhoodArea {
  neighborhood: Neighborhood;
  geometry: Polygon | MultiPolygon;
  bbox: BBox;
}

export interface ZipArea {
  zipcode: string;
  geometry: Polygon | MultiPolygon;
  bbox: BBox;
}

// Departments for service types whose agency the 2025 sample does not show.
const AGENCY_BY_NAME: Record<string, string> = {
  'Maintenance Residential or Commercial': 'License & Inspections',
  'Directory Assistance': 'Philly311 Contact Center',
  'Vacant Lot Clean-Up': 'Community Life Improvement Program',
  'Vacant House or Commercial': 'License & Inspections',
  Salting: 'Streets Department',
  'Sanitation / Dumpster Violation': 'Streets Department',
  'Building Dangerous': 'License & Inspections',
  'Construction Site Task Force': 'License & Inspections',
  'Building Construction': 'License & Inspections',
  'Zoning Business': 'License & Inspections',
  Miscellaneous: 'Philly311 Contact Center',
  'Fire Residential or Commercial': 'Fire Department',
  'Dangerous Sidewalk': 'Streets Department',
  'License Residential': 'License & Inspections',
  'Zoning Residential': 'License & Inspections',
  'No Heat (Residential)': 'License & Inspections',
  'Complaint (Streets)': 'Streets Department',
  'Building Force': 'License & Inspections',
  Shoveling: 'Streets Department',
  'Infestation Residential': 'Department of Public Health',
  'Boarding Room House': 'License & Inspections',
  'Street Paving': 'Streets Department',
  'Hydrant Request': 'Water Department (PWD)',
  'Line Striping': 'Streets Department',
  'Other Dangerous': 'License & Inspections',
  'Tree Dangerous': 'Parks & Recreation',
  'Abandoned Bike': 'Streets Department',
  'Police Complaint': 'Police Department',
  'Complaints against Fire or EMS': 'Fire Department',
  'Daycare Residential or Commercial': 'License & Inspections',
  'Hydrant Knocked Down (No Water)': 'Water Department (PWD)',
  'KB Escalations': 'Philly311 Contact Center',
  'Emergency Air Conditioning': 'Department of Public Health',
  'Newsstand/Outdoor Cafe': 'License & Inspections',
  'Dangerous Building Complaint': 'License & Inspections',
  'Digital Navigator Request': 'Office of Innovation & Technology',
  'Fire Safety Complaint': 'Fire Department',
  'Opioid Response Unit': "Managing Director's Office",
  'Traffic Calming Request': 'Streets Department',
};

const NO_LOCATION_NEEDED = new Set(['Information Request', 'Directory Assistance', 'Digital Navigator Request']);

/**
 * 2017 spellings that were replaced by a newer one. They map to the same code as their successor
 * ("Newsstand Outdoor Cafe" and "Newsstand/Outdoor Cafe" are both newsstand-outdoor-cafe), so the
 * list keeps the successor and drops these rather than carry two types under one code.
 */
const SUPERSEDED_SPELLINGS = new Set(['Newsstand Outdoor Cafe', 'No Heat Residential']);

interface ServiceTypeListRow {
  name: string;
  observedAgency: string;
  seenIn2025: 'sample' | 'excerpt' | 'no';
}

function readServiceTypeList(): ServiceTypeListRow[] {
  return parseCsv(readData('philly311_service_types.csv')).map((record) => {
    const seen = record.seen_in_2025_sample ?? 'no';
    return {
      name: (record.service_name ?? '').trim(),
      observedAgency: (record.agency_responsible_observed ?? '').trim(),
      seenIn2025: seen === 'yes' ? 'sample' : seen.startsWith('yes') ? 'excerpt' : 'no',
    };
  });
}

let serviceTypesCache: ServiceType[] | undefined;

/** The 64 service types, one per code, in the list's order (most frequent first). */
export function loadServiceTypes(): ServiceType[] {
  if (serviceTypesCache) return serviceTypesCache.map((type) => ({ ...type }));
  const byCode = new Map<string, ServiceType>();
  for (const row of readServiceTypeList()) {
    if (row.name === '' || SUPERSEDED_SPELLINGS.has(row.name)) continue;
    const code = serviceTypeCode(row.name);
    if (byCode.has(code)) continue;
    // "Maintenance Complaint" was seen under two departments; the first listed is its owner.
    const observed = row.observedAgency.split(';')[0]?.trim() ?? '';
    byCode.set(code, {
      code,
      name: row.name,
      agency: observed || AGENCY_BY_NAME[row.name] || 'Philly311 Contact Center',
      active: true,
      needsLocation: !NO_LOCATION_NEEDED.has(row.name),
    });
  }
  serviceTypesCache = [...byCode.values()];
  return serviceTypesCache.map((type) => ({ ...type }));
}

/**
 * How often each service type occurs in the real 2025 sample, by code. Types seen in 2025 only
 * outside the sample get a small weight so they still show up now and then.
 */
export function loadServiceTypeWeights(): Map<string, number> {
  const weights = new Map<string, number>();
  for (const record of parseCsv(readData('philly311_2025_sample.csv'))) {
    const code = serviceTypeCode(record.service_name ?? '');
    if (code) weights.set(code, (weights.get(code) ?? 0) + 1);
  }
  for (const row of readServiceTypeList()) {
    const code = serviceTypeCode(row.name);
    if (row.seenIn2025 === 'excerpt' && !weights.has(code)) weights.set(code, 0.5);
  }
  return weights;
}

let neighborhoodAreasCache: NeighborhoodArea[] | undefined;

/** Azavea's 158 neighborhoods with their polygons, sorted by id. */
export function loadNeighborhoodAreas(): NeighborhoodArea[] {
  if (neighborhoodAreasCache) return neighborhoodAreasCache;
  const collection = JSON.parse(readData('azavea_neighborhoods_philadelphia.geojson')) as FeatureCollection<
    Polygon | MultiPolygon,
    { name: string; listname: string }
  >;
  neighborhoodAreasCache = collection.features
    .map((feature: Feature<Polygon | MultiPolygon, { name: string; listname: string }>) => {
      const [labelLon, labelLat] = pointOnFeature(feature).geometry.coordinates as [number, number];
      return {
        neighborhood: { id: feature.properties.name, name: feature.properties.listname, labelLat, labelLon },
        geometry: feature.geometry,
        bbox: bbox(feature) as BBox,
      };
    })
    .sort((a, b) => a.neighborhood.id.localeCompare(b.neighborhood.id));
  return neighborhoodAreasCache;
}

export function loadNeighborhoods(): Neighborhood[] {
  return loadNeighborhoodAreas().map((area) => ({ ...area.neighborhood }));
}

let zipAreasCache: ZipArea[] | undefined;

export function loadZipAreas(): ZipArea[] {
  if (zipAreasCache) return zipAreasCache;
  const collection = JSON.parse(readData('philadelphia_zip_codes.geojson')) as FeatureCollection<
    Polygon | MultiPolygon,
    { zip_code: string }
  >;
  zipAreasCache = collection.features.map((feature) => ({
    zipcode: String(feature.properties.zip_code),
    geometry: feature.geometry,
    bbox: bbox(feature) as BBox,
  }));
  return zipAreasCache;
}

export function isInside(area: { geometry: Polygon | MultiPolygon; bbox: BBox }, lon: number, lat: number): boolean {
  const [minLon, minLat, maxLon, maxLat] = area.bbox;
  if (lon < minLon || lon > maxLon || lat < minLat || lat > maxLat) return false;
  return booleanPointInPolygon([lon, lat], area.geometry);
}

/** The neighborhood a point falls in, or null outside the city. */
export function findNeighborhood(lat: number, lon: number): Neighborhood | null {
  return loadNeighborhoodAreas().find((area) => isInside(area, lon, lat))?.neighborhood ?? null;
}

/** The ZIP code a point falls in, or null where the ZIP polygons leave a gap. */
export function findZipcode(lat: number, lon: number): string | null {
  return loadZipAreas().find((area) => isInside(area, lon, lat))?.zipcode ?? null;
}
