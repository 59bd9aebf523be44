// The permission table and the start-up check: who holds what, which mutations each role may
// push, the department rule, and a server that refuses to start with a route nobody guards.
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  caseRefusal, isPermission, MUTATION_ROLES, mutationActorOf, mutationRefusal, PERMISSIONS, PERMISSION_NAMES, roleHolds,
} from '../../../server/auth/permissions.js';
import { declarePublic, queryTokenAccess, RouteAccessControl } from '../../../server/auth/route-access.js';
import type { Store } from '../../../server/store/store.js';
import { AgentRoleSchema, type AgentRole } from '../../../shared/domain/agent.js';
import { MUTATION_NAMES } from '../../../shared/mutations.js';

const ROLES = AgentRoleSchema.options;
const holders = (permission: keyof typeof PERMISSIONS): AgentRole[] => ROLES.filter((role) => roleHolds(role, permission));
// Never reached: these tests only register routes and get ready.
const noStore = {} as Store;

describe('the permission table', () => {
  it('gives each permission to the roles a 311 center would', () => {
    expect(holders('calls.take')).toEqual(['call_taker', 'triage_call_taker', 'team_lead', 'admin']);
    expect(holders('triage.publish')).toEqual(['team_lead', 'admin']);
    expect(holders('wallboard.view')).toEqual(['team_lead', 'admin']);
    expect(holders('supervisor.act')).toEqual(['team_lead', 'admin']);
    expect(holders('reports.read')).toEqual(['team_lead', 'admin']);
    expect(holders('audit.read')).toEqual(['admin']);
    expect(holders('agents.admin')).toEqual(['admin']);
    expect(holders('session.own')).toEqual(['call_taker', 'triage_call_taker', 'team_lead', 'department_staff', 'admin']);
    for (const permission of ['sync.pull', 'sync.push', 'triage.read'] as const) expect(holders(permission)).toEqual(ROLES);
  });

  it('names only known roles, gives admins everything and every permission a refusal message', () => {
    for (const permission of PERMISSION_NAMES) {
      expect(PERMISSIONS[permission].roles.every((role) => AgentRoleSchema.safeParse(role).success)).toBe(true);
      expect(roleHolds('admin', permission)).toBe(true);
      expect(PERMISSIONS[permission].refusal.length).toBeGreaterThan(10);
    }
    expect(isPermission('audit.read')).toBe(true);
    expect(isPermission('public')).toBe(false);
    expect(isPermission('toString')).toBe(false);
  });

  it('lets department staff work cases but not create callers or cases, link callers or record triage', () => {
    const staff = mutationActorOf({ id: 'streets-1', role: 'department_staff', skills: ['Streets Department'] });
    const refused = MUTATION_NAMES.filter((name) => mutationRefusal(staff, name) !== null);
    expect(refused).toEqual(['createCaller', 'createCase', 'linkCaller', 'recordTriage']);
    expect(mutationRefusal(staff, 'createCase')).toBe('a department staff may not createCase');
    for (const role of ['call_taker', 'triage_call_taker', 'team_lead', 'admin'] as const) {
      const actor = mutationActorOf({ id: 'someone', role, skills: ['general'] });
      expect(MUTATION_NAMES.filter((name) => mutationRefusal(actor, name) !== null)).toEqual([]);
    }
    expect(Object.keys(MUTATION_ROLES).sort()).toEqual([...MUTATION_NAMES].sort());
  });

  it('keeps department staff to their own departments\' cases, and nobody else', () => {
    const staff = mutationActorOf({ id: 'streets-1', role: 'department_staff', skills: ['Streets Department'] });
    expect(caseRefusal(staff, 'Streets Department')).toBeNull();
    expect(caseRefusal(staff, 'Water Department')).toBe('this case belongs to Water Department, not to your department');
    const lead = mutationActorOf({ id: 'lead', role: 'team_lead', skills: ['general'] });
    expect(lead.departments).toBeNull();
    expect(caseRefusal(lead, 'Water Department')).toBeNull();
  });
});

describe('the start-up check', () => {
  async function readyWith(register: (app: FastifyInstance, access: RouteAccessControl) => Promise<void>): Promise<RouteAccessControl> {
    const app = Fastify();
    const access = new RouteAccessControl(app);
    try {
      await register(app, access);
      await app.ready();
      return access;
    } finally {
      await app.close();
    }
  }

  it('starts when every route declares its access, and lists them as Fastify registered them', async () => {
    const access = await readyWith(async (app, control) => {
      app.get('/health', { config: { access: 'public' } }, async () => ({ ok: true }));
      app.get('/socket', queryTokenAccess('secret', noStore, 'wallboard.view'), async () => ({}));
      await app.register(async (scope) => {
        control.enforceIn(scope, noStore);
        scope.post('/audit', { config: { access: 'audit.read' } }, async () => ({}));
      });
      await app.register(async (scope) => {
        declarePublic(scope);
        scope.post('/sim/calls', async () => ({}));
      });
    });
    expect(access.problems()).toEqual([]);
    expect(access.routes()).toEqual(expect.arrayContaining([
      { method: 'GET', url: '/health', access: 'public' },
      { method: 'HEAD', url: '/health', access: 'public' },
      { method: 'GET', url: '/socket', access: 'wallboard.view' },
      { method: 'POST', url: '/audit', access: 'audit.read' },
      { method: 'POST', url: '/sim/calls', access: 'public' },
    ]));
  });

  it('refuses to start with a route that declares no access', async () => {
    await expect(readyWith(async (app, control) => {
      await app.register(async (scope) => {
        control.enforceIn(scope, noStore);
        scope.get('/forgotten', async () => ({}));
      });
    })).rejects.toThrow('GET /forgotten declares no access');
  });

  it('refuses to start with a permission nothing would check, an unknown permission, or a public route behind sign-in', async () => {
    await expect(readyWith(async (app) => {
      app.get('/audit', { config: { access: 'audit.read' } }, async () => ({}));
    })).rejects.toThrow('outside the signed-in scope');
    await expect(readyWith(async (app, control) => {
      await app.register(async (scope) => {
        control.enforceIn(scope, noStore);
        scope.get('/x', { config: { access: 'everything' as 'audit.read' } }, async () => ({}));
      });
    })).rejects.toThrow('unknown permission "everything"');
    await expect(readyWith(async (app, control) => {
      await app.register(async (scope) => {
        control.enforceIn(scope, noStore);
        scope.get('/y', { config: { access: 'public' } }, async () => ({}));
      });
    })).rejects.toThrow('is public but registered in the signed-in scope');
  });
});
