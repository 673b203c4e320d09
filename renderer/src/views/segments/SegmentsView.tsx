import { useCallback, useEffect, useState } from 'react';
import type { SegmentInfo } from '../../../../shared/api/segment-types';
import { dynamicSegmentSpecSchema } from '../../../../shared/specs/segment';
import { useApp } from '../../app-context';
import { ErrorNote } from '../../components/ErrorNote';
import { asRootGroup } from './rule-edit';
import { SegmentDetail } from './SegmentDetail';
import { SegmentEditor, type SegmentDraft } from './SegmentEditor';
import { SegmentList } from './SegmentList';
import { TemplatePicker } from './TemplatePicker';
import { SectionTabs, useSection, type SegmentsSection } from './triggers/SectionTabs';
import { TriggersPane } from './triggers/TriggersPane';
import { ScoresPanel } from './scores/ScoresPanel';
import './segments.css';

/** What the view shows under the list. */
type Pane =
  | { type: 'none' }
  | { type: 'detail'; id: string }
  | { type: 'templates' }
  | { type: 'editor'; draft: SegmentDraft; key: number };

/** A saved dynamic segment as the builder edits it (its rule in a group at the root). */
function draftOf(s: SegmentInfo): SegmentDraft | null {
  const spec = dynamicSegmentSpecSchema.safeParse(s.spec);
  if (s.type !== 'dynamic' || !spec.success) return null;
  return {
    id: s.id,
    name: s.name,
    rule: asRootGroup(spec.data.rule),
    ...(spec.data.asOf === undefined ? {} : { asOf: spec.data.asOf }),
    ...(spec.data.description === undefined ? {} : { description: spec.data.description }),
  };
}

/**
 * Segments: every saved segment (fixed lists saved from a number, and dynamic ones whose rule
 * the engine evaluates as of a day), the builder for rules and templates, and a segment's
 * size, history and members.
 */
export function SegmentsView() {
  const { api, jobs, info } = useApp();
  const [segments, setSegments] = useState<SegmentInfo[] | null>(null);
  const [pane, setPane] = useState<Pane>({ type: 'none' });
  const [error, setError] = useState<unknown>(null);
  const [opened, setOpened] = useState(0);
  const [section, setSection] = useSection();
  // Triggers are read when first opened, then kept as they were across switches.
  const [triggersOpened, setTriggersOpened] = useState(section === 'triggers');
  const [scoresOpened, setScoresOpened] = useState(section === 'scores');
  const chooseSection = (next: SegmentsSection): void => {
    setSection(next);
    if (next === 'triggers') setTriggersOpened(true);
    if (next === 'scores') setScoresOpened(true);
  };

  const load = useCallback(async (): Promise<SegmentInfo[]> => {
    const all = await jobs.run('reading the segments', (o) => api['segments.list']({}, o));
    setSegments(all);
    return all;
  }, [api, jobs]);

  useEffect(() => {
    load().then(
      () => setError(null),
      (e: unknown) => setError(e),
    );
  }, [load, info]);

  /** Runs an action on the list, shows the engine's refusal where it happened, reloads. */
  const act = async (work: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    }
    await load().catch((e: unknown) => setError(e));
  };

  const openEditor = (draft: SegmentDraft): void => {
    setOpened((n) => n + 1);
    setPane({ type: 'editor', draft, key: opened + 1 });
  };
  const selected =
    pane.type === 'detail' ? (segments?.find((s) => s.id === pane.id) ?? null) : null;

  return (
    <div className="view segments-view">
      <div className="view-head row">
        <div className="grow-head">
          <h1>Segments</h1>
          <p className="muted">
            {section === 'segments'
              ? 'Who meets a rule as of a day, recomputed after every import; and the fixed lists saved from a number of any analysis.'
              : section === 'triggers'
                ? 'Who should get an intervention now: inactivity, underuse, bursts of failures, missed milestones, entering a segment; backtested, downloaded or sent to a webhook.'
                : 'A score per user: points per event, or health 0-100 from weighted percentiles in bands; checked against who churned in the 30 days after it was taken.'}
          </p>
        </div>
        <span className="row" hidden={section !== 'segments'}>
          <button
            type="button"
            className="primary"
            onClick={() => openEditor({ name: '', rule: { all: [] } })}
          >
            New segment
          </button>
          <button type="button" onClick={() => setPane({ type: 'templates' })}>
            From a template
          </button>
          <button
            type="button"
            disabled={segments === null || segments.every((s) => s.type !== 'dynamic')}
            title="Compute every dynamic segment's members on the data as it is now"
            onClick={() =>
              void act(() =>
                jobs.run('recomputing the segments', (o) => api['segments.refresh']({}, o)),
              )
            }
          >
            Recompute all
          </button>
        </span>
      </div>
      <SectionTabs section={section} onChange={chooseSection} />
      {triggersOpened && (
        <div
          role="tabpanel"
          id="section-triggers"
          aria-labelledby="section-tab-triggers"
          className="section-panel"
          hidden={section !== 'triggers'}
        >
          <TriggersPane />
        </div>
      )}
      {scoresOpened && (
        <div
          role="tabpanel"
          id="section-scores"
          aria-labelledby="section-tab-scores"
          className="section-panel"
          hidden={section !== 'scores'}
        >
          <ScoresPanel />
        </div>
      )}
      <div
        role="tabpanel"
        id="section-segments"
        aria-labelledby="section-tab-segments"
        className="section-panel"
        hidden={section !== 'segments'}
      >
        <ErrorNote error={error} title="The segments could not do that" />
        <section className="panel" aria-label="Saved segments">
          <div className="panel-head">
            <h2>Saved segments</h2>
            <span className="muted small" data-testid="segment-count">
              {segments === null ? 'loading…' : `${segments.length} saved`}
            </span>
          </div>
          {segments !== null && (
            <SegmentList
              segments={segments}
              selected={selected?.id ?? null}
              onSelect={(id) => {
                setError(null);
                setPane({ type: 'detail', id });
              }}
              onRename={(id, name) => act(() => api['segments.rename']({ id, name }))}
              onDuplicate={(id) =>
                act(() =>
                  jobs.run('copying the segment', (o) => api['segments.duplicate']({ id }, o)),
                )
              }
              onDelete={(id) =>
                act(async () => {
                  await api['saved.delete']({ id });
                  if (pane.type === 'detail' && pane.id === id) setPane({ type: 'none' });
                })
              }
            />
          )}
        </section>
        {pane.type === 'templates' && (
          <TemplatePicker onPick={openEditor} onCancel={() => setPane({ type: 'none' })} />
        )}
        {pane.type === 'editor' && (
          <SegmentEditor
            key={pane.key}
            draft={pane.draft}
            segments={segments ?? []}
            onCancel={() =>
              setPane(
                pane.draft.id === undefined
                  ? { type: 'none' }
                  : { type: 'detail', id: pane.draft.id },
              )
            }
            onSaved={(saved) => {
              setPane({ type: 'detail', id: saved.id });
              void load().catch((e: unknown) => setError(e));
            }}
          />
        )}
        {selected !== null && (
          <SegmentDetail
            key={selected.id}
            segment={selected}
            onEdit={(() => {
              const draft = draftOf(selected);
              return draft === null ? null : () => openEditor(draft);
            })()}
            onRefresh={() =>
              act(() =>
                jobs.run(`recomputing ${selected.name}`, (o) =>
                  api['segments.refresh']({ ids: [selected.id] }, o),
                ),
              )
            }
          />
        )}
        {pane.type === 'none' && segments !== null && segments.length > 0 && (
          <p className="muted">
            Open a segment to see its members, its size over time and its rule.
          </p>
        )}
      </div>
    </div>
  );
}
