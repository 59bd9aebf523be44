// The form for one node of a draft: its kind, its words, its branches and its kind's own
// properties. Every change is dispatched as an editor action; nothing is decided here.
import { useEffect, useId, useState, type Dispatch, type ReactNode } from 'react';
import type { ServiceType } from '../../../shared/domain/service-type.js';
import { ConditionOpSchema, PrioritySchema, type ConditionOp } from '../../../shared/triage/protocol.js';
import {
  NODE_KINDS,
  NODE_KIND_LABELS,
  branchesOf,
  knownFields,
  removeAt,
  replaceAt,
  sameRef,
  type BranchRef,
  type DraftDocument,
  type DraftNode,
  type NodePatch,
} from './draft.js';
import type { EditorAction } from './editor-state.js';
import type { DraftIssue } from './validation.js';

export type NodeFormProps = {
  node: DraftNode;
  document: DraftDocument;
  serviceTypes: readonly ServiceType[];
  /** Ids of the other protocols a `continue` node may hand the call to. */
  protocolIds: readonly string[];
  issues: readonly DraftIssue[];
  dispatch: Dispatch<EditorAction>;
  readOnly?: boolean;
};

// Not valid node ids, so they can never clash with one.
const NEW_QUESTION = '+new-question';
const NEW_OUTCOME = '+new-outcome';

const OP_LABELS: Record<ConditionOp, string> = { lt: 'less than', lte: 'at most', gt: 'more than', gte: 'at least', eq: 'equal to', neq: 'not equal to' };

const optional = (value: string) => (value.trim() === '' ? undefined : value);
const numberOrUndefined = (value: string) => (value.trim() === '' || !Number.isFinite(Number(value)) ? undefined : Number(value));

export function NodeForm({ node, document, serviceTypes, protocolIds, issues, dispatch, readOnly = false }: NodeFormProps) {
  const edit = (patch: NodePatch) => dispatch({ type: 'edit-node', nodeId: node.id, patch });
  const target = (ref: BranchRef, current: string) => <TargetPicker nodeId={node.id} branchRef={ref} current={current} document={document} dispatch={dispatch} />;
  return (
    <form className="protocol-form" data-testid="protocol-node-form" aria-label={`Node ${node.id}`} onSubmit={(event) => event.preventDefault()}>
      <fieldset disabled={readOnly}>
        <legend>Node {node.id}</legend>
        {issues.length > 0 && (
          <ul className="protocol-form__issues">
            {issues.map((issue) => (
              <li key={issue.key}>{issue.message}</li>
            ))}
          </ul>
        )}
        {!readOnly && <RenameField node={node} dispatch={dispatch} />}
        <Field label="Kind">
          {(id) => (
            <select id={id} value={node.kind} onChange={(event) => dispatch({ type: 'change-kind', nodeId: node.id, kind: event.target.value as DraftNode['kind'] })}>
              {NODE_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {NODE_KIND_LABELS[kind]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {'prompt' in node && (
          <>
            <Field label="Question, read aloud">{(id) => <textarea id={id} rows={2} value={node.prompt} onChange={(event) => edit({ prompt: event.target.value })} />}</Field>
            <Field label="Help for the call-taker">{(id) => <textarea id={id} rows={2} value={node.help ?? ''} onChange={(event) => edit({ help: optional(event.target.value) })} />}</Field>
            <Field label="Captured field (snake_case)">{(id) => <input id={id} value={node.field ?? ''} onChange={(event) => edit({ field: optional(event.target.value) })} />}</Field>
          </>
        )}
        <KindFields node={node} edit={edit} target={target} document={document} serviceTypes={serviceTypes} protocolIds={protocolIds} />
        {'next' in node && <Field label={node.kind === 'number' || node.kind === 'time' ? 'Otherwise, next' : 'Next'}>{() => target({ kind: 'next' }, node.next)}</Field>}
        {!readOnly && (
          <div className="form-actions">
            <button type="button" className="button button--quiet" data-testid="protocol-delete-node" onClick={() => dispatch({ type: 'delete-node', nodeId: node.id })}>
              Delete node
            </button>
            {document.start !== node.id && (
              <button type="button" className="button button--quiet" onClick={() => dispatch({ type: 'edit-document', patch: { start: node.id } })}>
                Make it the start
              </button>
            )}
          </div>
        )}
      </fieldset>
    </form>
  );
}

type KindFieldsProps = {
  node: DraftNode;
  edit: (patch: NodePatch) => void;
  target: (ref: BranchRef, current: string) => ReactNode;
  document: DraftDocument;
  serviceTypes: readonly ServiceType[];
  protocolIds: readonly string[];
};

function KindFields({ node, edit, target, document, serviceTypes, protocolIds }: KindFieldsProps) {
  switch (node.kind) {
    case 'yes_no':
      return (
        <>
          <Field label="Yes leads to">{() => target({ kind: 'yes' }, node.yes)}</Field>
          <Field label="No leads to">{() => target({ kind: 'no' }, node.no)}</Field>
        </>
      );
    case 'choice':
      return (
        <fieldset className="protocol-form__list">
          <legend>Options (answered with keys 1–9)</legend>
          {node.options.map((option, index) => (
            <div className="protocol-form__item" key={index}>
              <input aria-label={`Option ${index + 1} label`} value={option.label} onChange={(event) => edit({ options: replaceAt(node.options, index, { ...option, label: event.target.value }) })} />
              <input aria-label={`Option ${index + 1} value`} value={option.value} onChange={(event) => edit({ options: replaceAt(node.options, index, { ...option, value: event.target.value }) })} />
              {target({ kind: 'option', index }, option.next)}
              <button type="button" className="button button--quiet" onClick={() => edit({ options: removeAt(node.options, index) })}>
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            className="button button--quiet"
            disabled={node.options.length >= 9}
            onClick={() => edit({ options: [...node.options, { value: `option_${node.options.length + 1}`, label: `Option ${node.options.length + 1}`, next: '' }] })}
          >
            Add option
          </button>
        </fieldset>
      );
    case 'number':
      return (
        <>
          <div className="protocol-form__row">
            <Field label="Minimum">{(id) => <input id={id} type="number" value={node.min ?? ''} onChange={(event) => edit({ min: numberOrUndefined(event.target.value) })} />}</Field>
            <Field label="Maximum">{(id) => <input id={id} type="number" value={node.max ?? ''} onChange={(event) => edit({ max: numberOrUndefined(event.target.value) })} />}</Field>
            <Field label="Unit">{(id) => <input id={id} value={node.unit ?? ''} onChange={(event) => edit({ unit: optional(event.target.value) })} />}</Field>
            <label className="protocol-form__check">
              <input type="checkbox" checked={node.integer ?? false} onChange={(event) => edit({ integer: event.target.checked || undefined })} /> Whole numbers only
            </label>
          </div>
          <Conditions
            conditions={(node.branches ?? []).map((branch) => ({ op: branch.when.op, value: String(branch.when.value), next: branch.next }))}
            numeric
            target={target}
            onChange={(conditions) => edit({ branches: conditions.length === 0 ? undefined : conditions.map((item) => ({ when: { op: item.op, value: numberOrUndefined(item.value) ?? 0 }, next: item.next })) })}
          />
        </>
      );
    case 'time':
      return (
        <Conditions
          conditions={(node.branches ?? []).map((branch) => ({ op: branch.when.op, value: branch.when.value, next: branch.next }))}
          numeric={false}
          target={target}
          onChange={(conditions) => edit({ branches: conditions.length === 0 ? undefined : conditions.map((item) => ({ when: { op: item.op, value: item.value }, next: item.next })) })}
        />
      );
    case 'free_text':
      return <Field label="Longest answer (characters)">{(id) => <input id={id} type="number" min={1} max={4000} value={node.maxLength} onChange={(event) => edit({ maxLength: numberOrUndefined(event.target.value) ?? 0 })} />}</Field>;
    case 'continue':
      return (
        <Field label="Continue in protocol">
          {(id) => (
            <select id={id} value={node.protocolId} onChange={(event) => edit({ protocolId: event.target.value })}>
              {!protocolIds.includes(node.protocolId) && <option value={node.protocolId}>{node.protocolId || '(choose)'}</option>}
              {protocolIds.map((protocolId) => (
                <option key={protocolId} value={protocolId}>
                  {protocolId}
                </option>
              ))}
            </select>
          )}
        </Field>
      );
    case 'address':
    case 'plate':
      return null;
    default:
      return <OutcomeFields node={node} edit={edit} document={document} serviceTypes={serviceTypes} />;
  }
}

function OutcomeFields({ node, edit, document, serviceTypes }: Pick<KindFieldsProps, 'node' | 'edit' | 'document' | 'serviceTypes'>) {
  if (!('determinant' in node)) return null;
  const departments = [...new Set(serviceTypes.map((type) => type.agency))].sort();
  return (
    <>
      <Field label="Determinant (e.g. NE-ABV-2)">{(id) => <input id={id} value={node.determinant} onChange={(event) => edit({ determinant: event.target.value.toUpperCase() })} />}</Field>
      <Field label="Script for the caller">{(id) => <textarea id={id} rows={2} value={node.script ?? ''} onChange={(event) => edit({ script: optional(event.target.value) })} />}</Field>
      {node.kind === 'service_request' && (
        <>
          <Field label="Service type">
            {(id) => (
              <select
                id={id}
                value={node.serviceTypeCode}
                onChange={(event) => {
                  const type = serviceTypes.find((candidate) => candidate.code === event.target.value);
                  // The type decides the department; a lead can still pick another and see the mismatch.
                  edit({ serviceTypeCode: event.target.value, department: type?.agency ?? node.department });
                }}
              >
                {!serviceTypes.some((type) => type.code === node.serviceTypeCode) && <option value={node.serviceTypeCode}>{node.serviceTypeCode || '(choose)'}</option>}
                {serviceTypes.map((type) => (
                  <option key={type.code} value={type.code} disabled={!type.active && type.code !== node.serviceTypeCode}>
                    {type.name}
                    {type.active ? '' : ' (inactive)'}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Department">
            {(id) => (
              <select id={id} value={node.department} onChange={(event) => edit({ department: event.target.value })}>
                {!departments.includes(node.department) && <option value={node.department}>{node.department || '(choose)'}</option>}
                {departments.map((department) => (
                  <option key={department} value={department}>
                    {department}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Priority">
            {(id) => (
              <select id={id} value={node.priority} onChange={(event) => edit({ priority: PrioritySchema.parse(event.target.value) })}>
                {PrioritySchema.options.map((priority) => (
                  <option key={priority} value={priority}>
                    {priority}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <fieldset className="protocol-form__list">
            <legend>Required fields (each must be asked on every path here)</legend>
            {knownFields(document).map((field) => (
              <label key={field} className="protocol-form__check">
                <input
                  type="checkbox"
                  checked={node.requiredFields.includes(field)}
                  onChange={(event) => edit({ requiredFields: event.target.checked ? [...node.requiredFields, field] : node.requiredFields.filter((name) => name !== field) })}
                />{' '}
                {field}
              </label>
            ))}
          </fieldset>
        </>
      )}
      {node.kind === 'information' && (
        <>
          <Field label="Knowledge article id">{(id) => <input id={id} value={node.articleId} onChange={(event) => edit({ articleId: event.target.value })} />}</Field>
          <Field label="Text read to the caller">{(id) => <textarea id={id} rows={4} value={node.text} onChange={(event) => edit({ text: event.target.value })} />}</Field>
        </>
      )}
    </>
  );
}

type ConditionRow = { op: ConditionOp; value: string; next: string };

function Conditions({ conditions, numeric, target, onChange }: { conditions: ConditionRow[]; numeric: boolean; target: KindFieldsProps['target']; onChange: (rows: ConditionRow[]) => void }) {
  return (
    <fieldset className="protocol-form__list">
      <legend>Branches, tried in order</legend>
      {conditions.map((condition, index) => (
        <div className="protocol-form__item" key={index}>
          <select aria-label={`Branch ${index + 1} comparison`} value={condition.op} onChange={(event) => onChange(replaceAt(conditions, index, { ...condition, op: ConditionOpSchema.parse(event.target.value) }))}>
            {ConditionOpSchema.options.map((op) => (
              <option key={op} value={op}>
                {OP_LABELS[op]}
              </option>
            ))}
          </select>
          <input
            aria-label={`Branch ${index + 1} value`}
            type={numeric ? 'number' : 'time'}
            value={condition.value}
            onChange={(event) => onChange(replaceAt(conditions, index, { ...condition, value: event.target.value }))}
          />
          {target({ kind: 'condition', index }, condition.next)}
          <button type="button" className="button button--quiet" onClick={() => onChange(removeAt(conditions, index))}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" className="button button--quiet" onClick={() => onChange([...conditions, { op: numeric ? 'gt' : 'gte', value: numeric ? '0' : '00:00', next: '' }])}>
        Add branch
      </button>
    </fieldset>
  );
}

/** A branch's target: any node of the draft, or a new question or outcome made on the spot. */
function TargetPicker({ nodeId, branchRef, current, document, dispatch }: { nodeId: string; branchRef: BranchRef; current: string; document: DraftDocument; dispatch: Dispatch<EditorAction> }) {
  const ids = document.nodes.map((node) => node.id);
  const owner = document.nodes.find((node) => node.id === nodeId);
  const label = owner ? branchesOf(owner).find((branch) => sameRef(branch.ref, branchRef))?.label : undefined;
  return (
    <select
      aria-label={`${label ?? 'Branch'} leads to`}
      data-testid={`protocol-target-${nodeId}-${branchRef.kind}${'index' in branchRef ? `-${branchRef.index}` : ''}`}
      value={current}
      onChange={(event) => {
        const value = event.target.value;
        if (value === NEW_QUESTION || value === NEW_OUTCOME) {
          dispatch({ type: 'add-node', kind: value === NEW_QUESTION ? 'yes_no' : 'police_report', from: { nodeId, ref: branchRef } });
        } else dispatch({ type: 'retarget', nodeId, ref: branchRef, target: value });
      }}
    >
      {!ids.includes(current) && <option value={current}>{current ? `${current} (missing)` : '(choose)'}</option>}
      {ids.map((id) => (
        <option key={id} value={id}>
          {id}
        </option>
      ))}
      <option value={NEW_QUESTION}>New question…</option>
      <option value={NEW_OUTCOME}>New outcome…</option>
    </select>
  );
}

function RenameField({ node, dispatch }: { node: DraftNode; dispatch: Dispatch<EditorAction> }) {
  const [newId, setNewId] = useState(node.id);
  // Another node selected, or this one renamed or undone: the box shows the id it has now.
  useEffect(() => setNewId(node.id), [node.id]);
  return (
    <Field label="Node id">
      {(id) => (
        <span className="protocol-form__rename">
          <input id={id} value={newId} onChange={(event) => setNewId(event.target.value.trim())} />
          <button type="button" className="button button--quiet" disabled={newId === node.id || newId === ''} onClick={() => dispatch({ type: 'rename-node', nodeId: node.id, newId })}>
            Rename
          </button>
        </span>
      )}
    </Field>
  );
}

function Field({ label, children }: { label: string; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="form-row form-row--wide">
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
