// The fixed demo callers that the README, the docs and the tests rely on, with their cases.
// Their numbers are in the fictional 555-01xx range, which generated callers never use.
import type { Caller } from '../../shared/domain/caller.js';
import type { ServiceRequest } from '../../shared/domain/service-request.js';

const CREATED = '2024-03-14T15:09:26.000Z';

export const DENISE_WHITFIELD_ID = '018e3b1a-0000-7000-8000-000000000142';

export const DEMO_CALLERS: readonly Caller[] = [
  {
    id: DENISE_WHITFIELD_ID,
    name: 'Denise Whitfield',
    phones: ['+12155550142'],
    email: 'denise.whitfield@example.com',
    address: '1520 S 5th St',
    zipcode: '19147',
    neighborhoodId: 'DICKINSON_NARROWS',
    lat: 39.9297,
    lon: -75.1527,
    preferredLanguage: 'en',
    createdAt: CREATED,
    updatedAt: CREATED,
  },
  {
    // Two numbers: a mobile and a work line.
    id: '018e3b1a-0000-7000-8000-000000000177',
    name: 'Marcus Bell',
    phones: ['+12155550177', '+12675550178'],
    email: null,
    address: '4520 Baltimore Ave',
    zipcode: '19143',
    neighborhoodId: 'SPRUCE_HILL',
    lat: 39.9486,
    lon: -75.2131,
    preferredLanguage: 'en',
    createdAt: CREATED,
    updatedAt: CREATED,
  },
  {
    // Rosa and Luis share the household line, so a call from it matches two callers.
    id: '018e3b1a-0000-7000-8000-000000000199',
    name: 'Rosa Alvarez',
    phones: ['+12155550199'],
    email: 'rosa.alvarez@example.com',
    address: '2931 N 5th St',
    zipcode: '19133',
    neighborhoodId: 'FAIRHILL',
    lat: 39.9966,
    lon: -75.1384,
    preferredLanguage: 'es',
    createdAt: CREATED,
    updatedAt: CREATED,
  },
  {
    id: '018e3b1a-0000-7000-8000-000000000198',
    name: 'Luis Alvarez',
    phones: ['+12155550199'],
    email: null,
    address: '2931 N 5th St',
    zipcode: '19133',
    neighborhoodId: 'FAIRHILL',
    lat: 39.9966,
    lon: -75.1384,
    preferredLanguage: 'es',
    createdAt: CREATED,
    updatedAt: CREATED,
  },
  {
    // A known caller with no cases yet.
    id: '018e3b1a-0000-7000-8000-000000000123',
    name: 'Thanh Nguyen',
    phones: ['+14455550123'],
    email: null,
    address: '6300 Castor Ave',
    zipcode: '19111',
    neighborhoodId: 'OXFORD_CIRCLE',
    lat: 40.0436,
    lon: -75.0775,
    preferredLanguage: 'vi',
    createdAt: CREATED,
    updatedAt: CREATED,
  },
];

/** The first official references; generated cases continue after the demo ones. */
export const FIRST_REFERENCE = 19_000_001;

const DAY = 86_400_000;

interface DemoCaseSpec {
  callerIndex: number;
  serviceTypeCode: string;
  agency: string;
  status: ServiceRequest['status'];
  daysAgo: number;
  /** Days from request to closure, for closed cases. */
  closedAfterDays?: number;
  description: string;
}

const DEMO_CASES: readonly DemoCaseSpec[] = [
  {
    callerIndex: 0, serviceTypeCode: 'street-light-outage', agency: 'Streets Department', status: 'closed',
    daysAgo: 122, closedAfterDays: 6, description: 'Street light out in front of 1520 S 5th St.',
  },
  {
    callerIndex: 0, serviceTypeCode: 'rubbish-recyclable-material-collection', agency: 'Streets Department',
    status: 'closed', daysAgo: 47, closedAfterDays: 2, description: 'Recycling missed on the 1500 block of S 5th St.',
  },
  {
    callerIndex: 0, serviceTypeCode: 'illegal-dumping', agency: 'Streets Department', status: 'open',
    daysAgo: 3, description: 'Mattresses and tires dumped in the alley behind 1520 S 5th St.',
  },
  {
    callerIndex: 1, serviceTypeCode: 'street-defect', agency: 'Streets Department', status: 'closed',
    daysAgo: 30, closedAfterDays: 9, description: 'Large pothole in the right lane outside 4520 Baltimore Ave.',
  },
  {
    callerIndex: 2, serviceTypeCode: 'maintenance-complaint', agency: 'Community Life Improvement Program',
    status: 'in_progress', daysAgo: 12, description: 'Vacant house next door with an open back door and overgrown yard.',
  },
  {
    callerIndex: 3, serviceTypeCode: 'abandoned-vehicle', agency: 'Police Department', status: 'closed',
    daysAgo: 80, closedAfterDays: 15, description: 'Blue minivan with no tags parked for a month on N 5th St.',
  },
];

/** The demo callers' cases, dated relative to `now` so the open one always looks recent. */
export function demoServiceRequests(now: Date): ServiceRequest[] {
  return DEMO_CASES.map((spec, index) => {
    const caller = DEMO_CALLERS[spec.callerIndex] as Caller;
    const requestedAt = new Date(now.getTime() - spec.daysAgo * DAY);
    const closedAt =
      spec.status === 'closed' ? new Date(requestedAt.getTime() + (spec.closedAfterDays ?? 1) * DAY) : null;
    const updatedAt = closedAt ?? new Date(requestedAt.getTime() + (spec.status === 'in_progress' ? 2 * DAY : 0));
    return {
      id: `018e3b1a-0000-7000-8000-00000000100${index}`,
      reference: String(FIRST_REFERENCE + index),
      callerId: caller.id,
      serviceTypeCode: spec.serviceTypeCode,
      status: spec.status,
      channel: 'phone',
      description: spec.description,
      address: caller.address,
      zipcode: caller.zipcode,
      neighborhoodId: caller.neighborhoodId,
      lat: caller.lat,
      lon: caller.lon,
      agency: spec.agency,
      requestedAt: requestedAt.toISOString(),
      priority: 'standard',
      updatedAt: updatedAt.toISOString(),
      closedAt: closedAt ? closedAt.toISOString() : null,
      provisionalReference: null,
      fieldVersions: {},
    };
  });
}
