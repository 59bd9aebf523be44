// One function per mutation name: validates against the database (domain rules the schema cannot
// see), then writes through the change log. Every check runs before the first write, so a
// rejection leaves nothing behind; the caller records the outcome in the same transaction.
import {
  canChangeStatus, VERSIONED_CASE_FIELDS, type ServiceRequest, type VersionedCaseField,
} from '../../shared/domain/service-request.js';
import type { CaseConflict } from '../../shared/domain/case-history.js';
import { DeskFailure, type ErrorCode } from '../../shared/errors.js';
import type { MutationArgsOf, MutationName } from '../../shared/mutations.js';
import { protocolKey, triageRecordRow } from '../../shared/triage/published.js';
import { auditEntryOfView } from '../audit/record-views.js';
import { caseRefusal, type MutationActor } from '../auth/permissions.js';
import type { StoredCase } from './case-rows.js';
import type { PushWorkspace } from './workspace.js';
import { buildConflict, decideField, type EditOrigin } from './conflicts.js';

/** A mutation the server refuses, with the reason the agent sees. */
export class MutationRejected extends DeskFailure {
  constructor(code: ErrorCode, message: string) {
    super(code, message);
  }
}

export interface MutationContext {
  origin: EditOrigin;
  /** Server time of processing, for updatedAt and detectedAt. */
  now: string;
  /** Who pushed it, as the store has them: their role was checked, their department is checked per case. */
  actor: MutationActor;
}

/** Conflict ids the mutation raised; throws MutationRejected to reject. */
type Apply<N extends MutationName> = (ws: PushWorkspace, context: MutationContext, args: MutationArgsOf<N>) => Promise<string[]>;

const VERSIONED = new Set<string>(VERSIONED_CASE_FIELDS);
const isVersioned = (field: string): field is VersionedCaseField => VERSIONED.has(field);

function reject(code: ErrorCode, message: string): never {
  throw new MutationRejected(code, message);
}

/** The case, if it exists and the pusher may work on it (department staff: their departments' cases only). */
async function requireCase(ws: PushWorkspace, context: MutationContext, id: string): Promise<StoredCase> {
  const stored = (await ws.loadCase(id)) ?? reject('NOT_FOUND', `no case ${id}`);
  const refusal = caseRefusal(context.actor, stored.request.agency);
  if (refusal) reject('FORBIDDEN', refusal);
  return stored;
}

function requireActiveType(serviceType: { active: boolean; agency: string } | null, code: string): { agency: string } {
  if (!serviceType) reject('INVALID_INPUT', `no service type "${code}"`);
  if (!serviceType.active) reject('INVALID_INPUT', `service type "${code}" is no longer in use`);
  return serviceType;
}

/**
 * Writes a case whose `changed` fields take the given values at a new version, plus any
 * conflicts, all through the change log. Conflicts get the earlier versions, the case the last.
 */
async function writeCase(
  ws: PushWorkspace,
  context: MutationContext,
  stored: StoredCase,
  changed: Partial<ServiceRequest>,
  conflicts: CaseConflict[] = [],
): Promise<void> {
  const fields = Object.keys(changed) as Array<keyof ServiceRequest>;
  const versions = await ws.allocateVersions(conflicts.length + (fields.length > 0 ? 1 : 0));
  await ws.put('case_conflict', conflicts.map((row, i) => ({ version: versions[i] as number, row })));
  if (fields.length === 0) return;
  const version = versions.at(-1) as number;
  const fieldVersions = { ...stored.request.fieldVersions };
  const fieldOrigins = { ...stored.fieldOrigins };
  for (const field of fields.filter(isVersioned)) {
    fieldVersions[field] = version;
    fieldOrigins[field] = context.origin;
  }
  const row: ServiceRequest = { ...stored.request, ...changed, fieldVersions, updatedAt: context.now };
  await ws.put('service_request', [{ version, row, table: { fieldOrigins } }]);
}

/** Applies or records as conflicts one edit of versioned fields; the shared core of edits. */
async function editFields(
  ws: PushWorkspace,
  context: MutationContext,
  stored: StoredCase,
  values: Partial<Record<VersionedCaseField, unknown>>,
  baseVersions: Partial<Record<VersionedCaseField, number>>,
  extra: (applied: Partial<ServiceRequest>) => Partial<ServiceRequest> = () => ({}),
): Promise<string[]> {
  const applied: Partial<Record<VersionedCaseField, unknown>> = {};
  const conflicts: CaseConflict[] = [];
  for (const [field, value] of Object.entries(values) as Array<[VersionedCaseField, unknown]>) {
    const decision = decideField(stored.request, field, value, baseVersions[field] ?? 0, stored.fieldOrigins[field] ?? null, context.origin);
    if (decision === 'apply') applied[field] = value;
    if (decision === 'conflict') {
      conflicts.push(buildConflict(stored.request, field, value, stored.fieldOrigins[field] ?? null, context.origin, context.now));
    }
  }
  const changed = applied as Partial<ServiceRequest>;
  const changes = Object.keys(changed).length > 0 ? { ...changed, ...extra(changed) } : {};
  await writeCase(ws, context, stored, changes, conflicts);
  return conflicts.map((conflict) => conflict.id);
}

const createCaller: Apply<'createCaller'> = async (ws, context, args) => {
  const facts = await ws.checkReferences({ callerId: args.id, neighborhoodId: args.neighborhoodId });
  if (facts.callerExists) reject('INVALID_INPUT', `a caller with id ${args.id} already exists`);
  if (args.neighborhoodId !== null && !facts.neighborhoodExists) reject('INVALID_INPUT', `no neighborhood "${args.neighborhoodId}"`);
  const [version] = await ws.allocateVersions(1);
  const row = { ...args, createdAt: context.now, updatedAt: context.now };
  await ws.put('caller', [{ version: version as number, row }]);
  return [];
};

const createCase: Apply<'createCase'> = async (ws, context, args) => {
  const facts = await ws.checkReferences({
    caseId: args.id, callerId: args.callerId, serviceTypeCode: args.serviceTypeCode,
    neighborhoodId: args.neighborhoodId, provisionalReference: args.provisionalReference,
  });
  // The same client's retry never gets here (answered from its stored result), so this is another desk's case.
  if (facts.caseExists) reject('INVALID_INPUT', `a case with id ${args.id} already exists`);
  if (facts.provisionalReferenceTaken) reject('INVALID_INPUT', `provisional reference ${args.provisionalReference} is already in use`);
  const serviceType = requireActiveType(facts.serviceType, args.serviceTypeCode);
  if (args.callerId !== null && !facts.callerExists) reject('NOT_FOUND', `no caller ${args.callerId}`);
  if (args.neighborhoodId !== null && !facts.neighborhoodExists) reject('INVALID_INPUT', `no neighborhood "${args.neighborhoodId}"`);

  const [version] = (await ws.allocateVersions(1)) as [number];
  const reference = await ws.nextOfficialReference();
  const fields = VERSIONED_CASE_FIELDS;
  const row: ServiceRequest = {
    ...args,
    reference,
    status: 'open',
    agency: serviceType.agency,
    updatedAt: context.now,
    closedAt: null,
    fieldVersions: Object.fromEntries(fields.map((field) => [field, version])),
  };
  const fieldOrigins = Object.fromEntries(fields.map((field) => [field, context.origin]));
  await ws.put('service_request', [{ version, row, table: { fieldOrigins } }]);
  return [];
};

const editCase: Apply<'editCase'> = async (ws, context, args) => {
  const stored = await requireCase(ws, context, args.caseId);
  const { serviceTypeCode, neighborhoodId } = args.changes;
  const facts = await ws.checkReferences({ serviceTypeCode, neighborhoodId });
  const serviceType = serviceTypeCode === undefined ? null : requireActiveType(facts.serviceType, serviceTypeCode);
  if (neighborhoodId !== undefined && neighborhoodId !== null && !facts.neighborhoodExists) {
    reject('INVALID_INPUT', `no neighborhood "${neighborhoodId}"`);
  }
  // A new service type routes the case to that type's agency.
  return editFields(ws, context, stored, args.changes, args.baseVersions, (applied) =>
    applied.serviceTypeCode !== undefined && serviceType ? { agency: serviceType.agency } : {},
  );
};

function statusExtras(status: ServiceRequest['status'], at: string): Partial<ServiceRequest> {
  return { closedAt: status === 'closed' ? at : null };
}

const changeStatus: Apply<'changeStatus'> = async (ws, context, args) => {
  const stored = await requireCase(ws, context, args.caseId);
  const current = stored.request;
  const stale = (current.fieldVersions.status ?? 0) > args.baseVersion;
  // A transition is judged against the status the desk would overwrite; a stale one becomes a conflict.
  if (!stale && current.status !== args.status && !canChangeStatus(current.status, args.status)) {
    reject('INVALID_INPUT', `a case cannot go from ${current.status} to ${args.status}`);
  }
  return editFields(ws, context, stored, { status: args.status }, { status: args.baseVersion }, () =>
    statusExtras(args.status, context.origin.at),
  );
};

const linkCaller: Apply<'linkCaller'> = async (ws, context, args) => {
  const stored = await requireCase(ws, context, args.caseId);
  if (args.callerId !== null) {
    const facts = await ws.checkReferences({ callerId: args.callerId });
    if (!facts.callerExists) reject('NOT_FOUND', `no caller ${args.callerId}`);
  }
  return editFields(ws, context, stored, { callerId: args.callerId }, { callerId: args.baseVersion });
};

const addNote: Apply<'addNote'> = async (ws, context, args) => {
  const facts = await ws.checkReferences({ caseId: args.caseId, noteId: args.id });
  if (!facts.caseExists) reject('NOT_FOUND', `no case ${args.caseId}`);
  // Department staff note only their departments' cases; others need not load the case.
  if (context.actor.departments !== null) await requireCase(ws, context, args.caseId);
  if (facts.noteExists) reject('INVALID_INPUT', `a note with id ${args.id} already exists`);
  const [version] = (await ws.allocateVersions(1)) as [number];
  const row = { id: args.id, caseId: args.caseId, text: args.text, authorAgentId: context.origin.agentId, createdAt: context.origin.at };
  await ws.put('case_note', [{ version, row }]);
  return [];
};

/** Checks that a losing value can still be applied to the case as it is now. */
async function checkLosingValue(
  ws: PushWorkspace,
  context: MutationContext,
  stored: StoredCase,
  conflict: CaseConflict,
): Promise<Partial<ServiceRequest>> {
  const value = conflict.losingValue;
  switch (conflict.field) {
    case 'status': {
      const status = value as ServiceRequest['status'];
      if (stored.request.status !== status && !canChangeStatus(stored.request.status, status)) {
        reject('INVALID_INPUT', `a case cannot go from ${stored.request.status} to ${status}`);
      }
      return statusExtras(status, context.origin.at);
    }
    case 'callerId': {
      if (value !== null && !(await ws.checkReferences({ callerId: value as string })).callerExists) {
        reject('NOT_FOUND', `no caller ${String(value)}`);
      }
      return {};
    }
    case 'serviceTypeCode': {
      const code = value as string;
      return { agency: requireActiveType((await ws.checkReferences({ serviceTypeCode: code })).serviceType, code).agency };
    }
    case 'neighborhoodId': {
      if (value !== null && !(await ws.checkReferences({ neighborhoodId: value as string })).neighborhoodExists) {
        reject('INVALID_INPUT', `no neighborhood "${String(value)}"`);
      }
      return {};
    }
    default:
      return {};
  }
}

const resolveConflict: Apply<'resolveConflict'> = async (ws, context, args) => {
  const conflict = (await ws.loadConflict(args.conflictId)) ?? reject('NOT_FOUND', `no conflict ${args.conflictId}`);
  if (conflict.resolvedAt !== null) reject('INVALID_INPUT', `conflict ${args.conflictId} was already resolved (${conflict.resolution})`);
  // Department staff resolve only their departments' conflicts; others need not load the case to keep.
  if (context.actor.departments !== null) await requireCase(ws, context, conflict.caseId);
  const resolved: CaseConflict = { ...conflict, resolvedAt: context.now, resolvedBy: context.origin.agentId, resolution: args.resolution };
  if (args.resolution === 'keep') {
    const [version] = (await ws.allocateVersions(1)) as [number];
    await ws.put('case_conflict', [{ version, row: resolved }]);
    return [];
  }
  const stored = await requireCase(ws, context, conflict.caseId);
  const extras = await checkLosingValue(ws, context, stored, conflict);
  const [version] = (await ws.allocateVersions(1)) as [number];
  await ws.put('case_conflict', [{ version, row: resolved }]);
  // Taking the losing value is a new edit: it bumps the field's version like any other.
  const changed = { [conflict.field]: conflict.losingValue, ...extras } as Partial<ServiceRequest>;
  await writeCase(ws, context, stored, changed);
  return [];
};

/**
 * A finished triage run: the desk is not trusted, so the record must be the pushing agent's, name
 * protocol versions that were published, have ended, and attach to a case that exists.
 */
const recordTriage: Apply<'recordTriage'> = async (ws, context, args) => {
  const { record } = args;
  if (record.callTakerId !== context.origin.agentId) {
    reject('INVALID_INPUT', `the triage record names ${record.callTakerId}, but ${context.origin.agentId} pushed it`);
  }
  if (record.status === 'asking') reject('INVALID_INPUT', 'a triage run is recorded only once it has ended');
  if (args.caseId !== null && !(await ws.checkReferences({ caseId: args.caseId })).caseExists) reject('NOT_FOUND', `no case ${args.caseId}`);
  const keys = record.protocols.map((protocol) => protocolKey(protocol.id, protocol.version));
  const facts = await ws.triageFacts(args.id, keys);
  if (facts.recordExists) reject('INVALID_INPUT', `a triage record with id ${args.id} already exists`);
  if (facts.unknownProtocols.length > 0) reject('INVALID_INPUT', `unknown protocol versions: ${facts.unknownProtocols.join(', ')}`);
  const [version] = (await ws.allocateVersions(1)) as [number];
  await ws.put('triage_record', [{ version, row: triageRecordRow(args, context.now) }]);
  return [];
};

/**
 * Views a desk made, online or offline: audited as the pushing agent's, at the desk's time. Never
 * rejected: a view of a case the server does not know (made offline, deleted since) still happened.
 */
const recordViews: Apply<'recordViews'> = async (ws, context, args) => {
  await ws.audit(args.views.map((view) => auditEntryOfView(view, context.origin)));
  return [];
};

export const APPLY_MUTATION: { [N in MutationName]: Apply<N> } = {
  createCaller,
  createCase,
  editCase,
  changeStatus,
  linkCaller,
  addNote,
  resolveConflict,
  recordTriage,
  recordViews,
};
