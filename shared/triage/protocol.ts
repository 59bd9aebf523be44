// Triage protocols as data: a versioned document of questions, branches and outcomes that a
// call-taker walks with a caller transferred from 911.
//
// Shape of a protocol set: several documents linked by id, not one document with sub-flows.
// The safety screen, the topic chooser and each topic protocol are separate documents, and a
// `continue` node hands the call on to another document by its id. Each document is versioned
// and published on its own, so fixing the noise questions does not republish the safety screen,
// and a record names exactly which version of each document it walked. The price is a second,
// set-level check (every link resolves, links never loop), done in `validateProtocolSet`.
// A topic protocol stands alone: the fields its service requests need are asked inside it.
import { z } from 'zod';
import { IsoTimeSchema } from '../domain/ids.js';
import { CasePrioritySchema, type CasePriority } from '../domain/service-request.js';

export const ProtocolIdSchema = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'protocol ids are lowercase slugs').max(64);
export const NodeIdSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'node ids are lowercase letters, digits, _ and -');
/** The name of a field the triage captures onto the case ("vehicle_plate"). */
export const FieldNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'field names are snake_case');
/** A code reports count by, e.g. NE-ABV-2 (non-emergency, abandoned vehicle, variant 2). */
export const DeterminantSchema = z.string().regex(/^[A-Z0-9]{2,4}(-[A-Z0-9]{1,6}){1,3}$/, 'determinants look like NE-ABV-2');
/** A wall-clock time as the caller says it, 24-hour: "22:30". */
export const ClockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'times are HH:MM, 24-hour');

const text = (max: number) => z.string().trim().min(1).max(max);

const QuestionBase = {
  id: NodeIdSchema,
  /** Read aloud, word for word. */
  prompt: text(300),
  /** For the call-taker only: what to listen for, what counts as yes. */
  help: text(600).optional(),
  /** The case field this answer fills. */
  field: FieldNameSchema.optional(),
};

export const ConditionOpSchema = z.enum(['lt', 'lte', 'gt', 'gte', 'eq', 'neq']);
export type ConditionOp = z.infer<typeof ConditionOpSchema>;

const branchesOf = <T extends z.ZodType>(value: T) =>
  z.array(z.object({ when: z.object({ op: ConditionOpSchema, value }), next: NodeIdSchema })).max(20).optional();

export const YesNoQuestionSchema = z.object({ ...QuestionBase, kind: z.literal('yes_no'), yes: NodeIdSchema, no: NodeIdSchema });

export const ChoiceOptionSchema = z.object({
  /** Stored in the record and the captured field. */
  value: z.string().regex(/^[a-z0-9_]+$/).max(64),
  label: text(120),
  next: NodeIdSchema,
});
export type ChoiceOption = z.infer<typeof ChoiceOptionSchema>;

// Empty or repeated options pass the schema so the validator can name the node that has them.
export const ChoiceQuestionSchema = z.object({ ...QuestionBase, kind: z.literal('choice'), options: z.array(ChoiceOptionSchema).max(9) });

export const NumberQuestionSchema = z.object({
  ...QuestionBase,
  kind: z.literal('number'),
  min: z.number().finite().optional(),
  max: z.number().finite().optional(),
  unit: text(40).optional(),
  integer: z.boolean().optional(),
  /** Tried in order; the first that holds wins, else `next`. */
  branches: branchesOf(z.number().finite()),
  next: NodeIdSchema,
});

export const FreeTextQuestionSchema = z.object({ ...QuestionBase, kind: z.literal('free_text'), maxLength: z.number().int().min(1).max(4000), next: NodeIdSchema });
export const AddressQuestionSchema = z.object({ ...QuestionBase, kind: z.literal('address'), next: NodeIdSchema });
export const PlateQuestionSchema = z.object({ ...QuestionBase, kind: z.literal('plate'), next: NodeIdSchema });
export const TimeQuestionSchema = z.object({ ...QuestionBase, kind: z.literal('time'), branches: branchesOf(ClockTimeSchema), next: NodeIdSchema });

const OutcomeBase = {
  id: NodeIdSchema,
  determinant: DeterminantSchema,
  /** What the call-taker tells the caller next. */
  script: text(1000).optional(),
};

/** A service-request outcome's priority is the case's. */
export const PrioritySchema = CasePrioritySchema;
export type Priority = CasePriority;

export const ReturnTo911OutcomeSchema = z.object({ ...OutcomeBase, kind: z.literal('return_to_911') });
export const PoliceReportOutcomeSchema = z.object({ ...OutcomeBase, kind: z.literal('police_report') });
export const FireNonEmergencyOutcomeSchema = z.object({ ...OutcomeBase, kind: z.literal('fire_non_emergency') });
export const ServiceRequestOutcomeSchema = z.object({
  ...OutcomeBase,
  kind: z.literal('service_request'),
  serviceTypeCode: z.string().regex(/^[a-z0-9-]+$/).max(80),
  department: text(120),
  priority: PrioritySchema,
  /** Fields the case cannot be created without; every path here must ask them. */
  requiredFields: z.array(FieldNameSchema).max(20),
});
export const InformationOutcomeSchema = z.object({
  ...OutcomeBase,
  kind: z.literal('information'),
  articleId: z.string().regex(/^[a-z0-9-]+$/).max(80),
  /** Read to the caller. */
  text: text(2000),
});

/** Not an outcome: the call continues in another protocol document, from its start. */
export const ContinueNodeSchema = z.object({ id: NodeIdSchema, kind: z.literal('continue'), protocolId: ProtocolIdSchema });

export const QuestionNodeSchema = z.discriminatedUnion('kind', [
  YesNoQuestionSchema,
  ChoiceQuestionSchema,
  NumberQuestionSchema,
  FreeTextQuestionSchema,
  AddressQuestionSchema,
  PlateQuestionSchema,
  TimeQuestionSchema,
]);
export type QuestionNode = z.infer<typeof QuestionNodeSchema>;
export const QuestionKindSchema = z.enum(['yes_no', 'choice', 'number', 'free_text', 'address', 'plate', 'time']);
export type QuestionKind = z.infer<typeof QuestionKindSchema>;

export const OutcomeNodeSchema = z.discriminatedUnion('kind', [
  ReturnTo911OutcomeSchema,
  PoliceReportOutcomeSchema,
  FireNonEmergencyOutcomeSchema,
  ServiceRequestOutcomeSchema,
  InformationOutcomeSchema,
]);
export type OutcomeNode = z.infer<typeof OutcomeNodeSchema>;
export type OutcomeKind = OutcomeNode['kind'];
export type ServiceRequestOutcome = z.infer<typeof ServiceRequestOutcomeSchema>;

export const ProtocolNodeSchema = z.discriminatedUnion('kind', [...QuestionNodeSchema.options, ...OutcomeNodeSchema.options, ContinueNodeSchema]);
export type ProtocolNode = z.infer<typeof ProtocolNodeSchema>;
export type ContinueNode = z.infer<typeof ContinueNodeSchema>;

export const PROTOCOL_SCHEMA_VERSION = 1;

export const TriageProtocolSchema = z.object({
  schemaVersion: z.literal(PROTOCOL_SCHEMA_VERSION),
  id: ProtocolIdSchema,
  version: z.number().int().min(1),
  title: text(120),
  summary: text(500),
  effectiveFrom: IsoTimeSchema,
  start: NodeIdSchema,
  // An array, not a map keyed by id, so a repeated id is something the validator can see and name.
  nodes: z.array(ProtocolNodeSchema).min(1).max(500),
});
export type TriageProtocol = z.infer<typeof TriageProtocolSchema>;

const QUESTION_KINDS = new Set<string>(QuestionNodeSchema.options.map((option) => option.shape.kind.value));
const OUTCOME_KINDS = new Set<string>(OutcomeNodeSchema.options.map((option) => option.shape.kind.value));

export function isQuestion(node: ProtocolNode): node is QuestionNode {
  return QUESTION_KINDS.has(node.kind);
}

export function isOutcome(node: ProtocolNode): node is OutcomeNode {
  return OUTCOME_KINDS.has(node.kind);
}

/** Every node this one can lead to, in the order the protocol lists them (duplicates kept). */
export function successors(node: ProtocolNode): string[] {
  switch (node.kind) {
    case 'yes_no':
      return [node.yes, node.no];
    case 'choice':
      return node.options.map((option) => option.next);
    case 'number':
    case 'time':
      return [...(node.branches ?? []).map((branch) => branch.next), node.next];
    case 'free_text':
    case 'address':
    case 'plate':
      return [node.next];
    default:
      return [];
  }
}

export function holds<T extends number | string>(op: ConditionOp, actual: T, expected: T): boolean {
  switch (op) {
    case 'lt':
      return actual < expected;
    case 'lte':
      return actual <= expected;
    case 'gt':
      return actual > expected;
    case 'gte':
      return actual >= expected;
    case 'eq':
      return actual === expected;
    case 'neq':
      return actual !== expected;
  }
}

/** A protocol's nodes by id; the first wins when ids repeat (the validator reports the repeat). */
export function nodeMap(protocol: TriageProtocol): Map<string, ProtocolNode> {
  const byId = new Map<string, ProtocolNode>();
  for (const node of protocol.nodes) if (!byId.has(node.id)) byId.set(node.id, node);
  return byId;
}

/** A protocol as written by hand or stored, before the schema has checked it. */
export type TriageProtocolDocument = z.input<typeof TriageProtocolSchema>;
