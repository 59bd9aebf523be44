import { describe, expect, it } from 'vitest';
import type { ServiceRequest } from '../../../shared/domain/service-request.js';
import { decideField, type EditOrigin } from '../../../server/sync/conflicts.js';

const stored = { description: 'Sofa on the sidewalk', fieldVersions: { description: 40 } } as unknown as ServiceRequest;
const deskA = (mutationId: number): EditOrigin => ({ agentId: 'demo-calltaker', clientId: 'desk-a-000001', mutationId, at: '2026-11-25T20:00:00Z' });
const deskB = (mutationId: number): EditOrigin => ({ agentId: 'demo-triage', clientId: 'desk-b-000001', mutationId, at: '2026-11-25T20:00:00Z' });

describe('decideField', () => {
  it('applies an edit made against the current version', () => {
    expect(decideField(stored, 'description', 'Two sofas', 40, deskB(3), deskA(7))).toBe('apply');
  });

  it('makes a stale edit of a field another desk changed a conflict', () => {
    expect(decideField(stored, 'description', 'Two sofas', 12, deskB(3), deskA(7))).toBe('conflict');
    expect(decideField(stored, 'description', 'Two sofas', 12, null, deskA(7))).toBe('conflict');
  });

  it('does not count a stale edit that writes the value already there', () => {
    expect(decideField(stored, 'description', 'Sofa on the sidewalk', 12, deskB(3), deskA(7))).toBe('unchanged');
  });

  it('applies an edit a desk made on top of its own earlier, not yet confirmed edit', () => {
    expect(decideField(stored, 'description', 'Two sofas', 0, deskA(6), deskA(7))).toBe('apply');
    // ...but not when the field was last set by a later mutation of that desk (a replayed old one).
    expect(decideField(stored, 'description', 'Two sofas', 0, deskA(9), deskA(7))).toBe('conflict');
  });
});
