// Test-run mode: the draft as the entry of a library made of the protocols in effect, so its
// `continue` links reach the real documents. Nothing is recorded: the record is only shown.
import { validateProtocolSet, type ProtocolSetCheck, type ServiceTypeCatalogue } from '../../../shared/triage/validate.js';
import type { PublishedProtocol } from '../../../shared/triage/published.js';
import type { DraftDocument } from './draft.js';
import { setWithDraft } from './validation.js';

export function testRunLibrary(document: DraftDocument, published: readonly PublishedProtocol[], catalogue: ServiceTypeCatalogue, at: Date): ProtocolSetCheck {
  return validateProtocolSet(setWithDraft(document, published, at), catalogue, document.id);
}

/** A run id for a test run, never confused with a real call's. */
export function testRunId(now: Date): string {
  return `test-run-${now.getTime()}`;
}
