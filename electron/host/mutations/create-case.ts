// createCase: a new case under its provisional reference, which is also what the desk shows as
// its reference until the server's official number arrives.
import type { LocalMutation } from './types.js';

export const createCase: LocalMutation<'createCase'> = {
  name: 'createCase',
  caseId: (args) => args.id,
  summary: (args) => `New case ${args.provisionalReference}`,
  apply(context, { args, createdAt }) {
    // Replayed after the server created it: the server's row (official number) is the truth.
    if (context.rows.get('service_request', args.id)) return;
    context.touch('service_request', args.id);
    context.rows.put('service_request', {
      id: args.id,
      reference: args.provisionalReference,
      provisionalReference: args.provisionalReference,
      callerId: args.callerId,
      serviceTypeCode: args.serviceTypeCode,
      status: 'open',
      channel: args.channel,
      description: args.description,
      address: args.address,
      zipcode: args.zipcode,
      neighborhoodId: args.neighborhoodId,
      lat: args.lat,
      lon: args.lon,
      agency: context.serviceType(args.serviceTypeCode)?.agency ?? '',
      requestedAt: args.requestedAt,
      updatedAt: createdAt,
      closedAt: null,
      fieldVersions: {},
      priority: args.priority,
    });
  },
};
