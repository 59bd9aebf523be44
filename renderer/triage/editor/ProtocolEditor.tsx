// The team lead's triage protocol editor: pick a protocol, open a draft of its next version (or of
// a new protocol), edit it as a tree with live validation, test-run it, publish it; every version
// stays listed and can be read. Built on the desk API's protocol methods; wired in by the app.
import { useEffect, useReducer, useState } from 'react';
import type { DeskClient } from '../../../shared/desk-api.js';
import type { ServiceType } from '../../../shared/domain/service-type.js';
import { ProtocolIdSchema } from '../../../shared/triage/protocol.js';
import type { PublishedProtocol } from '../../../shared/triage/published.js';
import { DraftEditor } from './DraftEditor.js';
import { draftFromPublished, newProtocolDraft, type ProtocolDraft } from './draft.js';
import { editorReducer, openEditor, type EditorAction, type EditorState } from './editor-state.js';
import { NodeForm } from './NodeForm.js';
import { ProtocolTree } from './ProtocolTree.js';
import { protocolListings, publishedVersion } from './versions.js';

export type ProtocolEditorDesk = Pick<DeskClient, 'listTriageProtocols' | 'publishTriageProtocol' | 'listServiceTypes'>;

export type ProtocolEditorProps = {
  desk: ProtocolEditorDesk;
  /** The team lead; test runs name them as the call-taker (nothing is recorded). */
  agentId: string;
  /** Data the app already holds, shown at once; the editor still loads fresh data from the desk. */
  initial?: { published: PublishedProtocol[]; serviceTypes: ServiceType[] };
  /** Opens a draft of this protocol's next version straight away. */
  openProtocolId?: string;
  now?: () => Date;
};

type Screen = { kind: 'list' } | { kind: 'draft' } | { kind: 'version'; key: string };

// The reducer's state is null until a draft is open; opening one replaces it whole.
type EditorSlot = EditorState | null;
type SlotAction = EditorAction | { type: 'open'; draft: ProtocolDraft } | { type: 'close' };

function slotReducer(slot: EditorSlot, action: SlotAction): EditorSlot {
  if (action.type === 'open') return openEditor(action.draft);
  if (action.type === 'close') return null;
  return slot && editorReducer(slot, action);
}

export function ProtocolEditor({ desk, agentId, initial, openProtocolId, now = () => new Date() }: ProtocolEditorProps) {
  const [published, setPublished] = useState<PublishedProtocol[]>(initial?.published ?? []);
  const [serviceTypes, setServiceTypes] = useState<ServiceType[]>(initial?.serviceTypes ?? []);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editor, dispatch] = useReducer(slotReducer, null, () => {
    const draft = openProtocolId ? draftFromPublished(initial?.published ?? [], openProtocolId) : null;
    return draft && openEditor(draft);
  });
  const [screen, setScreen] = useState<Screen>(editor ? { kind: 'draft' } : { kind: 'list' });

  const load = () =>
    Promise.all([desk.listTriageProtocols({}), desk.listServiceTypes({})]).then(
      ([protocols, types]) => {
        setPublished(protocols);
        setServiceTypes(types);
        setLoadError(null);
      },
      (thrown: unknown) => setLoadError(thrown instanceof Error ? thrown.message : String(thrown)),
    );
  useEffect(() => {
    void load();
  }, [desk]);

  const open = (draft: ProtocolDraft | null) => {
    if (!draft) return;
    dispatch({ type: 'open', draft });
    setNotice(null);
    setScreen({ kind: 'draft' });
  };
  const close = () => {
    dispatch({ type: 'close' });
    setScreen({ kind: 'list' });
  };

  return (
    <section className="protocol-editor" data-testid="protocol-editor" aria-label="Triage protocol editor">
      {loadError && (
        <p className="form-error" role="alert">
          Could not load the protocols: {loadError}
        </p>
      )}
      {screen.kind === 'draft' && editor ? (
        <DraftEditor
          state={editor}
          dispatch={dispatch}
          published={published}
          serviceTypes={serviceTypes}
          agentId={agentId}
          now={now}
          publish={(params) => desk.publishTriageProtocol(params)}
          onPublished={(entry) => {
            setNotice(`Published ${entry.title} version ${entry.version}, in effect from ${new Date(entry.effectiveFrom).toLocaleString()} (published ${new Date(entry.publishedAt).toLocaleString()} by ${entry.publishedBy ?? 'the product'}).`);
            close();
            void load();
          }}
          onClose={close}
        />
      ) : screen.kind === 'version' ? (
        <VersionView entry={publishedVersion(published, screen.key)} serviceTypes={serviceTypes} onBack={() => setScreen({ kind: 'list' })} />
      ) : (
        <ProtocolPicker
          published={published}
          now={now()}
          notice={notice}
          onNewVersion={(id) => open(draftFromPublished(published, id))}
          onNewProtocol={(id, title) => open(newProtocolDraft({ id, title, now: now() }))}
          onView={(key) => setScreen({ kind: 'version', key })}
        />
      )}
    </section>
  );
}

type ProtocolPickerProps = {
  published: readonly PublishedProtocol[];
  now: Date;
  notice: string | null;
  onNewVersion: (id: string) => void;
  onNewProtocol: (id: string, title: string) => void;
  onView: (key: string) => void;
};

function ProtocolPicker({ published, now, notice, onNewVersion, onNewProtocol, onView }: ProtocolPickerProps) {
  const listings = protocolListings(published, now);
  return (
    <div className="protocol-picker">
      {notice && (
        <p className="protocol-picker__notice" role="status" data-testid="protocol-published">
          {notice}
        </p>
      )}
      <ul className="protocol-picker__list">
        {listings.map((listing) => (
          <li key={listing.id} data-testid={`protocol-listing-${listing.id}`}>
            <div className="protocol-picker__head">
              <strong>{listing.title}</strong> <code>{listing.id}</code>
              <span className="status-muted">{listing.inEffectVersion === null ? 'not in effect yet' : `version ${listing.inEffectVersion} in effect`}</span>
              <button type="button" className="button button--quiet" data-testid={`protocol-new-version-${listing.id}`} onClick={() => onNewVersion(listing.id)}>
                Edit version {listing.newestVersion + 1}
              </button>
            </div>
            <table className="protocol-history">
              <caption className="visually-hidden">Versions of {listing.title}</caption>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Effective from</th>
                  <th scope="col">Published</th>
                  <th scope="col">By</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {listing.versions.map((version) => (
                  <tr key={version.key} className={`protocol-history__row--${version.status}`}>
                    <td>
                      {version.version} {version.status === 'in-effect' ? '(in effect)' : version.status === 'scheduled' ? '(scheduled)' : ''}
                    </td>
                    <td>{new Date(version.effectiveFrom).toLocaleString()}</td>
                    <td>{new Date(version.publishedAt).toLocaleString()}</td>
                    <td>{version.publishedBy}</td>
                    <td>
                      <button type="button" className="link-button" data-testid={`protocol-view-${version.key}`} onClick={() => onView(version.key)}>
                        View
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </li>
        ))}
      </ul>
      <NewProtocolForm takenIds={listings.map((listing) => listing.id)} onCreate={onNewProtocol} />
    </div>
  );
}

function NewProtocolForm({ takenIds, onCreate }: { takenIds: readonly string[]; onCreate: (id: string, title: string) => void }) {
  const [id, setId] = useState('');
  const [title, setTitle] = useState('');
  const idProblem = id === '' ? null : takenIds.includes(id) ? 'That protocol exists: edit its next version instead.' : ProtocolIdSchema.safeParse(id).success ? null : 'Use lowercase letters, digits and dashes.';
  return (
    <form
      className="protocol-picker__new"
      aria-label="New protocol"
      onSubmit={(event) => {
        event.preventDefault();
        if (id !== '' && title.trim() !== '' && !idProblem) onCreate(id, title.trim());
      }}
    >
      <label className="form-row">
        New protocol id
        <input value={id} placeholder="e.g. graffiti" onChange={(event) => setId(event.target.value.trim())} />
      </label>
      <label className="form-row">
        Title
        <input value={title} onChange={(event) => setTitle(event.target.value)} />
      </label>
      <button type="submit" className="button button--quiet" disabled={id === '' || title.trim() === '' || idProblem !== null}>
        Start a new protocol
      </button>
      {idProblem && <p className="form-hint">{idProblem}</p>}
    </form>
  );
}

/** A published version, read-only: versions are never changed, only followed by new ones. */
function VersionView({ entry, serviceTypes, onBack }: { entry: PublishedProtocol | null; serviceTypes: readonly ServiceType[]; onBack: () => void }) {
  const [selected, setSelected] = useState<string | null>(entry?.document.start ?? null);
  const back = (
    <button type="button" className="button button--quiet" onClick={onBack}>
      Back to the protocols
    </button>
  );
  if (!entry) return <p>That version is not in the cache. {back}</p>;
  const node = entry.document.nodes.find((candidate) => candidate.id === selected) ?? null;
  return (
    <div className="protocol-version" data-testid="protocol-version-view">
      <header className="protocol-draft__head">
        <h2>
          {entry.title} <span className="protocol-draft__version">version {entry.version}, read-only</span>
        </h2>
        {back}
      </header>
      <div className="protocol-draft__body">
        <ProtocolTree document={entry.document} selected={selected} withErrors={new Set()} onSelect={setSelected} />
        {node && <NodeForm node={node} document={entry.document} serviceTypes={serviceTypes} protocolIds={[]} issues={[]} dispatch={() => undefined} readOnly />}
      </div>
    </div>
  );
}
