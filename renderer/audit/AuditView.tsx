// The admin's audit view: filters (each a labelled field; Enter searches), the entries found newest
// first with "Load more" for older ones, and "Export CSV" of everything matching, saved as a file.
// Built on the desk API's audit methods; the server checks the role and audits each export.
import { useState } from 'react';
import type { DeskClient } from '../../shared/desk-api.js';
import { toDeskError } from '../../shared/errors.js';
import {
  AUDIT_ACTION_CHOICES, AUDIT_VIEW_PAGE_SIZE, EMPTY_AUDIT_FORM, filtersFromForm, firstPage, nextPageParams, objectLabel,
  summarizeDetails, withNextPage, type AuditForm, type AuditResults,
} from './audit-view.js';

export type AuditDesk = Pick<DeskClient, 'searchAudit' | 'exportAudit'>;

/** Saves text as a download in the page (the browser's, or Electron's save dialog). */
export function saveCsvFile(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export type AuditViewProps = {
  desk: AuditDesk;
  save?: (fileName: string, csv: string) => void;
};

type Busy = 'search' | 'more' | 'export' | null;

export function AuditView({ desk, save = saveCsvFile }: AuditViewProps) {
  const [form, setForm] = useState<AuditForm>(EMPTY_AUDIT_FORM);
  const [results, setResults] = useState<AuditResults | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const field = (name: keyof AuditForm) => ({
    value: form[name],
    onChange: (event: { target: { value: string } }) => setForm((current) => ({ ...current, [name]: event.target.value })),
  });

  const run = async (what: Busy, work: () => Promise<void>) => {
    setBusy(what);
    setProblem(null);
    setNotice(null);
    try {
      await work();
    } catch (thrown) {
      const error = toDeskError(thrown);
      setProblem(error.code === 'FORBIDDEN' ? 'Only admins can read the audit log.' : error.message);
    } finally {
      setBusy(null);
    }
  };

  const checked = () => {
    const check = filtersFromForm(form);
    if (!check.ok) setProblem(check.problem);
    return check.ok ? check.filters : null;
  };

  const search = () => {
    const filters = checked();
    if (!filters) return;
    void run('search', async () => setResults(firstPage(filters, await desk.searchAudit({ ...filters, limit: AUDIT_VIEW_PAGE_SIZE }))));
  };

  const loadMore = () => {
    const params = results && nextPageParams(results);
    if (!params) return;
    void run('more', async () => {
      const page = await desk.searchAudit(params);
      setResults((current) => (current ? withNextPage(current, page) : current));
    });
  };

  const exportCsv = () => {
    const filters = checked();
    if (!filters) return;
    void run('export', async () => {
      const exported = await desk.exportAudit(filters);
      save(exported.fileName, exported.csv);
      setNotice(`Exported to ${exported.fileName}.`);
    });
  };

  return (
    <section className="audit-view" data-testid="audit-view" aria-label="Audit log">
      <form
        className="audit-filters"
        aria-label="Audit filters"
        onSubmit={(event) => {
          event.preventDefault();
          search();
        }}
      >
        <label className="form-row">
          Agent id
          <input {...field('agentId')} data-testid="audit-agent" autoComplete="off" placeholder="e.g. demo-calltaker" />
        </label>
        <label className="form-row">
          Action
          <select {...field('action')} data-testid="audit-action">
            <option value="">Any action</option>
            {AUDIT_ACTION_CHOICES.map((choice) => (
              <option key={choice.name} value={choice.name} title={choice.description}>
                {choice.name}
              </option>
            ))}
          </select>
        </label>
        <label className="form-row">
          Object type
          <input {...field('objectType')} data-testid="audit-object-type" autoComplete="off" placeholder="e.g. case" />
        </label>
        <label className="form-row">
          Object id
          <input {...field('objectId')} data-testid="audit-object-id" autoComplete="off" />
        </label>
        <label className="form-row">
          Desk (client id)
          <input {...field('clientId')} data-testid="audit-client" autoComplete="off" />
        </label>
        <label className="form-row">
          From
          <input type="date" {...field('from')} data-testid="audit-from" />
        </label>
        <label className="form-row">
          To (included)
          <input type="date" {...field('to')} data-testid="audit-to" />
        </label>
        <div className="audit-filters__actions">
          <button type="submit" className="button" data-testid="audit-search" disabled={busy !== null}>
            {busy === 'search' ? 'Searching…' : 'Search'}
          </button>
          <button type="button" className="button button--quiet" data-testid="audit-clear" disabled={busy !== null} onClick={() => setForm(EMPTY_AUDIT_FORM)}>
            Clear filters
          </button>
          <button type="button" className="button button--quiet" data-testid="audit-export" disabled={busy !== null} onClick={exportCsv}>
            {busy === 'export' ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
      </form>
      {problem && (
        <p className="form-error" role="alert" data-testid="audit-problem">
          {problem}
        </p>
      )}
      {notice && (
        <p className="status-muted" role="status" data-testid="audit-notice">
          {notice}
        </p>
      )}
      {results && <AuditTable results={results} loadingMore={busy === 'more'} disabled={busy !== null} onLoadMore={loadMore} />}
    </section>
  );
}

type AuditTableProps = { results: AuditResults; loadingMore: boolean; disabled: boolean; onLoadMore: () => void };

export function AuditTable({ results, loadingMore, disabled, onLoadMore }: AuditTableProps) {
  if (results.entries.length === 0) {
    return (
      <p className="status-muted" role="status" data-testid="audit-empty">
        No audit entries match these filters.
      </p>
    );
  }
  return (
    <>
      <table className="audit-table" data-testid="audit-results">
        <caption className="visually-hidden">Audit entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Agent</th>
            <th scope="col">Action</th>
            <th scope="col">Object</th>
            <th scope="col">Desk</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {results.entries.map((entry) => (
            <tr key={entry.seq} data-testid="audit-entry" data-seq={entry.seq} data-action={entry.action}>
              <td>
                <time dateTime={entry.at}>{new Date(entry.at).toLocaleString()}</time>
              </td>
              <td>{entry.agentId ?? '—'}</td>
              <td>
                <code>{entry.action}</code>
              </td>
              <td>{objectLabel(entry) || '—'}</td>
              <td className="audit-table__desk">{entry.clientId ?? '—'}</td>
              <td className="audit-table__details">{summarizeDetails(entry.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="audit-view__more">
        <span className="status-muted" data-testid="audit-count">
          {results.entries.length} shown{results.nextCursor === null ? ', no older entries' : ''}
        </span>{' '}
        {results.nextCursor !== null && (
          <button type="button" className="button button--quiet" data-testid="audit-load-more" disabled={disabled} onClick={onLoadMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        )}
      </p>
    </>
  );
}
