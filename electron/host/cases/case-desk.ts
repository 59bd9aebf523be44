// The DeskApi methods that change or read cases and callers. Each change is checked against the
// local cache, becomes one outbox mutation written with its effect in one transaction, then
// nudges the sync loop to push soon. They work the same offline. Opening a case and searching
// are noted for the audit log (audit/view-log.ts).
import { webcrypto } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import {
  NewCallerParamsSchema, NewCaseParamsSchema, type CaseSummary, type DeskApi,
} from '../../../shared/desk-api.js';
import { canChangeStatus, EDITABLE_CASE_FIELDS, type EditableCaseField } from '../../../shared/domain/service-request.js';
import { DeskFailure } from '../../../shared/errors.js';
import { makeProvisionalReference, type MutationArgsOf, type MutationName } from '../../../shared/mutations.js';
import { normalizePhone } from '../../../shared/phone.js';
import type { ViewRecorder } from '../audit/view-log.js';
import type { Outbox } from '../outbox/outbox.js';
import type { CaseQueries } from './case-queries.js';

export type CaseDeskMethods = Pick<
  DeskApi,
  | 'listServiceTypes' | 'createCaller' | 'createCase' | 'getCase' | 'searchCases' | 'editCase' | 'changeCaseStatus'
  | 'linkCaller' | 'addCaseNote' | 'resolveConflict' | 'listOutbox' | 'acknowledgeRejection'
>;

export interface CaseDeskParts {
  outbox: Outbox;
  queries: CaseQueries;
  views: ViewRecorder;
  now: () => Date;
  /** After every local change: push soon, refresh counts, tell the renderer. */
  changed(caseIds: string[]): void;
  log?: (message: string) => void;
}

export function createCaseDesk(parts: CaseDeskParts): CaseDeskMethods {
  const { outbox, queries } = parts;
  const rows = outbox.context.rows;

  function record<N extends MutationName>(name: N, args: MutationArgsOf<N>): void {
    const { caseId } = outbox.record(name, args, parts.now().toISOString());
    parts.changed(caseId ? [caseId] : []);
  }

  function caseOrFail(caseId: string): CaseSummary {
    const found = queries.summary(caseId);
    if (!found) throw new DeskFailure('NOT_FOUND', `No case ${caseId} on this desk.`);
    return found;
  }

  function callerMustExist(callerId: string | null): void {
    if (callerId !== null && !rows.get('caller', callerId)) throw new DeskFailure('NOT_FOUND', `No caller ${callerId} on this desk.`);
  }

  return {
    async listServiceTypes() {
      return queries.serviceTypes();
    },

    async createCaller(params) {
      const input = NewCallerParamsSchema.parse(params);
      const phones: string[] = [];
      for (const phone of input.phones) {
        const parsed = normalizePhone(phone);
        if (!parsed.ok) throw new DeskFailure('INVALID_PHONE', parsed.reason);
        if (!phones.includes(parsed.e164)) phones.push(parsed.e164);
      }
      const id = uuidv7();
      record('createCaller', { ...input, id, phones, neighborhoodId: null });
      return rows.get('caller', id)!;
    },

    async createCase(params) {
      const input = NewCaseParamsSchema.parse(params);
      const type = outbox.context.serviceType(input.serviceTypeCode);
      if (!type) throw new DeskFailure('NOT_FOUND', `No service type "${input.serviceTypeCode}".`);
      if (!type.active) throw new DeskFailure('INVALID_INPUT', `"${type.name}" no longer takes new requests.`);
      callerMustExist(input.callerId);
      const id = uuidv7();
      const provisionalReference = makeProvisionalReference(webcrypto.getRandomValues(new Uint8Array(5)));
      record('createCase', { ...input, id, provisionalReference, neighborhoodId: null, requestedAt: parts.now().toISOString() });
      return caseOrFail(id);
    },

    async getCase({ caseId }) {
      const detail = { serviceRequest: caseOrFail(caseId), notes: queries.notes(caseId), conflicts: queries.conflicts(caseId), pending: outbox.forCase(caseId) };
      parts.views.shown({ entity: 'case', id: caseId, context: 'case_detail' });
      return detail;
    },

    async searchCases({ query, limit }) {
      const { cases, reference } = queries.search(query, limit ?? 50);
      if (query.trim() !== '') {
        parts.views.shown({ entity: 'case_search', context: 'case_search', reference, resultCount: cases.length, caseIds: cases.map((c) => c.id) });
      }
      return cases;
    },

    async editCase({ caseId, changes }) {
      const current = caseOrFail(caseId);
      const baseVersions: Partial<Record<EditableCaseField, number>> = {};
      for (const field of EDITABLE_CASE_FIELDS) {
        if (field in changes) baseVersions[field] = current.fieldVersions[field] ?? 0;
      }
      if (changes.serviceTypeCode !== undefined && !outbox.context.serviceType(changes.serviceTypeCode)) {
        throw new DeskFailure('NOT_FOUND', `No service type "${changes.serviceTypeCode}".`);
      }
      record('editCase', { caseId, changes, baseVersions });
      return caseOrFail(caseId);
    },

    async changeCaseStatus({ caseId, status }) {
      const current = caseOrFail(caseId);
      if (!canChangeStatus(current.status, status)) {
        throw new DeskFailure('INVALID_INPUT', `A case that is ${current.status} cannot become ${status}.`);
      }
      record('changeStatus', { caseId, status, baseVersion: current.fieldVersions.status ?? 0 });
      return caseOrFail(caseId);
    },

    async linkCaller({ caseId, callerId }) {
      const current = caseOrFail(caseId);
      callerMustExist(callerId);
      record('linkCaller', { caseId, callerId, baseVersion: current.fieldVersions.callerId ?? 0 });
      return caseOrFail(caseId);
    },

    async addCaseNote({ caseId, text }) {
      caseOrFail(caseId);
      const id = uuidv7();
      record('addNote', { id, caseId, text });
      return rows.get('case_note', id)!;
    },

    async resolveConflict({ conflictId, resolution }) {
      const conflict = rows.get('case_conflict', conflictId);
      if (!conflict) throw new DeskFailure('NOT_FOUND', `No conflict ${conflictId} on this desk.`);
      if (conflict.resolvedAt !== null) throw new DeskFailure('INVALID_INPUT', 'That conflict is already resolved.');
      record('resolveConflict', { conflictId, resolution });
      return rows.get('case_conflict', conflictId)!;
    },

    async listOutbox() {
      return outbox.list();
    },

    async acknowledgeRejection({ mutationId }) {
      const entry = outbox.acknowledge(mutationId);
      parts.log?.(`Rejected mutation ${mutationId} acknowledged: ${entry.summary}: ${entry.error?.code ?? ''} ${entry.error?.message ?? ''}`);
      parts.changed([]);
      return { ok: true as const };
    },
  };
}
