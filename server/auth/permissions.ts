// Who may do what, in one table: the permissions each role holds, the sync mutations each role
// may push, and the department rule for department staff. Routes declare the access they need
// (route `config.access`); server/auth/route-access.ts enforces it and refuses to start when a
// route declares none. The table is written out in server/README.md ("Roles and permissions").
import type { Agent, AgentRole } from '../../shared/domain/agent.js';
import type { MutationName } from '../../shared/mutations.js';

const EVERY_ROLE: readonly AgentRole[] = ['call_taker', 'triage_call_taker', 'team_lead', 'department_staff', 'admin'];
/** Who answers the phones: call-takers, triage call-takers, and leads and admins covering the floor. */
const CALL_HANDLERS: readonly AgentRole[] = ['call_taker', 'triage_call_taker', 'team_lead', 'admin'];
const LEADS: readonly AgentRole[] = ['team_lead', 'admin'];

interface PermissionRule {
  roles: readonly AgentRole[];
  /** The 403 FORBIDDEN message for everyone else. */
  refusal: string;
}

export const PERMISSIONS = {
  /** A Voice token, the agent's own state and the control of the calls they hold. */
  'calls.take': { roles: CALL_HANDLERS, refusal: 'only agents who take calls can do this' },
  /** Pull, and the poke socket that says when to pull; department staff get their department's cases only. */
  'sync.pull': { roles: EVERY_ROLE, refusal: 'your role cannot sync' },
  /** Push; each mutation is then checked against MUTATION_ROLES. */
  'sync.push': { roles: EVERY_ROLE, refusal: 'your role cannot sync' },
  'triage.read': { roles: EVERY_ROLE, refusal: 'your role cannot read triage protocols' },
  'triage.publish': { roles: LEADS, refusal: 'only team leads and admins publish triage protocols' },
  'reports.read': { roles: LEADS, refusal: 'only team leads and admins read the reports' },
  /** The live wallboard socket and the lead's saved wallboard cards. */
  'wallboard.view': { roles: LEADS, refusal: 'the wallboard is for team leads and admins' },
  /** Monitor, coach, barge, move agents and waiting calls. */
  'supervisor.act': { roles: LEADS, refusal: 'only team leads and admins can do this' },
  'audit.read': { roles: ['admin'], refusal: 'only admins may read the audit log' },
  /** Sign out (here or everywhere) and change one's own password. */
  'session.own': { roles: EVERY_ROLE, refusal: 'your role cannot manage its sessions' },
  /** Set another agent's password, reset their second factor, unlock their account. */
  'agents.admin': { roles: ['admin'], refusal: "only admins may change other agents' sign-in" },
} as const satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

/**
 * Routes anyone may reach: health, sign-in, Twilio's signed webhooks, the simulator in simulated
 * telephony, Open311 and the transparency page. Open311 POST takes no agent's token but a partner
 * app's api key, which the route itself checks (server/routes/open311.ts).
 */
export const PUBLIC_ACCESS = 'public';
export type RouteAccess = Permission | typeof PUBLIC_ACCESS;

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && Object.hasOwn(PERMISSIONS, value);
}

export function roleHolds(role: AgentRole, permission: Permission): boolean {
  return (PERMISSIONS[permission].roles as readonly AgentRole[]).includes(role);
}

/**
 * The mutations each role may push. Department staff work the cases routed to their department
 * (edit, status, notes, conflicts on those cases) but take no calls, so they create no callers
 * or cases, link no callers and record no triage.
 */
export const MUTATION_ROLES: { readonly [N in MutationName]: readonly AgentRole[] } = {
  createCaller: CALL_HANDLERS,
  createCase: CALL_HANDLERS,
  editCase: EVERY_ROLE,
  changeStatus: EVERY_ROLE,
  linkCaller: CALL_HANDLERS,
  addNote: EVERY_ROLE,
  resolveConflict: EVERY_ROLE,
  recordTriage: CALL_HANDLERS,
  recordViews: EVERY_ROLE,
};

/** The part of an agent the mutation checks need. */
export interface MutationActor {
  id: string;
  role: AgentRole;
  /** For department staff, the departments (service-type agencies) whose cases they work; null for other roles. */
  departments: ReadonlySet<string> | null;
}

/**
 * Until the agent directory has a department column, a department staff member's skills name
 * the departments they work for (the `agency` of service types, e.g. "Streets Department");
 * skills are otherwise queue names, and no queue is named after a department.
 */
export function departmentsOf(agent: Pick<Agent, 'role' | 'skills'>): ReadonlySet<string> | null {
  return agent.role === 'department_staff' ? new Set(agent.skills) : null;
}

export function mutationActorOf(agent: Pick<Agent, 'id' | 'role' | 'skills'>): MutationActor {
  return { id: agent.id, role: agent.role, departments: departmentsOf(agent) };
}

/** Why the actor may not push this mutation at all, or null when the role allows it. */
export function mutationRefusal(actor: MutationActor, name: MutationName): string | null {
  if (MUTATION_ROLES[name].includes(actor.role)) return null;
  return `a ${actor.role.replace(/_/g, ' ')} may not ${name}`;
}

/** Why the actor may not touch a case of this agency, or null: department staff keep to their departments. */
export function caseRefusal(actor: MutationActor, agency: string): string | null {
  if (actor.departments === null || actor.departments.has(agency)) return null;
  return `this case belongs to ${agency}, not to your department`;
}
