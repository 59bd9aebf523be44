// Distances on the city scale: a lat/lon box for the index, then the exact great-circle distance.
const EARTH_RADIUS_M = 6_371_008.8;
const METERS_PER_DEGREE_LAT = (Math.PI * EARTH_RADIUS_M) / 180;

export interface LatLonBox {
  minLat: number;
  maxLat: number;
  minLon: number;
  maxLon: number;
}

/** A box that contains every point within `radiusM` of the centre (a little more at the corners). */
export function boxAround(lat: number, lon: number, radiusM: number): LatLonBox {
  const dLat = radiusM / METERS_PER_DEGREE_LAT;
  // Longitude degrees shrink towards the poles; the floor keeps the box finite there.
  const dLon = radiusM / (METERS_PER_DEGREE_LAT * Math.max(Math.cos((lat * Math.PI) / 180), 0.01));
  return { minLat: lat - dLat, maxLat: lat + dLat, minLon: lon - dLon, maxLon: lon + dLon };
}

export function distanceMeters(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLon = (lon2 - lon1) * toRad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}
