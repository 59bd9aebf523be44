// The header's case search: an official number ("10234567"), a provisional reference read back by
// a caller ("P-7K3Q-9XH2"), or words of the description or address. A result opens the case.
import { useEffect, useId, useRef, useState } from 'react';
import { useDeskController } from '../app/controller-context.js';
import { CASE_STATUS_LABELS } from '../app/format.js';
import { useDesk } from '../stores/desk-store.js';
import { referenceView } from './case-view.js';

const SEARCH_DEBOUNCE_MS = 200;

export function CaseSearch() {
  const controller = useDeskController();
  const search = useDesk((state) => state.caseSearch);
  const callSid = useDesk((state) => state.currentCall?.callSid ?? null);
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const listId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const timer = setTimeout(() => void controller.cases.search(text), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, controller]);

  const results = search.results;
  const showList = open && text.trim().length > 0;
  const choose = (caseId: string) => {
    setOpen(false);
    void controller.cases.openCase(caseId);
  };

  return (
    <div className="case-search" role="search">
      <label className="visually-hidden" htmlFor={`${listId}-input`}>
        Find a case
      </label>
      <input
        id={`${listId}-input`}
        ref={inputRef}
        type="search"
        data-testid="case-search"
        placeholder="Find a case: number, P-reference or words"
        autoComplete="off"
        role="combobox"
        aria-expanded={showList}
        aria-controls={listId}
        aria-activedescendant={showList && results[active] ? `${listId}-${active}` : undefined}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown') setActive((index) => Math.min(index + 1, Math.max(0, results.length - 1)));
          else if (event.key === 'ArrowUp') setActive((index) => Math.max(0, index - 1));
          else if (event.key === 'Enter' && results[active]) choose(results[active].id);
          else if (event.key === 'Escape') {
            setText('');
            controller.cases.clearSearch();
            return;
          } else return;
          event.preventDefault();
        }}
      />
      {showList && (
        <ul className="case-search__results" id={listId} role="listbox" aria-label="Cases found" data-testid="case-search-results">
          {search.status === 'searching' && results.length === 0 && <li className="case-search__empty">Searching…</li>}
          {search.status === 'failed' && <li className="case-search__empty">Search failed: {search.error?.message}</li>}
          {search.status === 'done' && results.length === 0 && <li className="case-search__empty">No case matches.</li>}
          {results.map((request, index) => {
            const reference = referenceView(request);
            return (
              <li
                key={request.id}
                id={`${listId}-${index}`}
                role="option"
                aria-selected={index === active}
                className={`case-search__result${index === active ? ' case-search__result--active' : ''}`}
                data-testid="case-search-result"
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => choose(request.id)}
              >
                <span className="case-search__reference">{reference.reference}</span>
                {reference.provisionalAlias && <span className="status-muted">({reference.provisionalAlias})</span>}
                <span>{request.serviceTypeName}</span>
                <span className={`pill pill--status-${request.status}`}>{CASE_STATUS_LABELS[request.status]}</span>
                <span className="status-muted case-search__address">{request.address ?? ''}</span>
              </li>
            );
          })}
        </ul>
      )}
      <button type="button" className="button button--quiet" data-testid="new-case-standalone" onClick={() => controller.cases.startIntake(callSid, null)}>
        New case
      </button>
    </div>
  );
}
