import { useEffect, useMemo, useRef, useState } from 'react';
import type { WorkspaceSettings } from '../../../../shared/api/workspace-types';
import { WEEK_STARTS } from '../../../../shared/api/workspace-types';
import { useApp } from '../../app-context';
import { ErrorNote } from '../../components/ErrorNote';
import { formatNumber } from '../../lib/format';
import {
  checkDraft,
  draftOf,
  MAX_SESSION_GAP_MINUTES,
  searchZones,
  settingsError,
  zoneChoices,
  zoneOffset,
  type SettingsDraft,
} from './settings-form';
import './data-settings.css';

const WEEK_LABELS: Record<WorkspaceSettings['weekStart'], string> = {
  monday: 'Monday',
  sunday: 'Sunday',
};

/**
 * The workspace's settings in the window (the CLI's `workbench settings`): the time zone days
 * and weeks are cut in, the first day of a week, the inactivity gap that ends a session and
 * DuckDB's memory limit. Save sends only what changed; a new session gap re-cuts every session,
 * so the form stays disabled until the engine is done and the workspace's info is read again.
 */
export function WorkspaceSettingsPanel({ onClose }: { onClose: () => void }) {
  const { api, jobs, info, refresh } = useApp();
  const settings = info?.workspace.settings;
  const readOnly = info?.workspace.readOnly === true;
  const [draft, setDraft] = useState<SettingsDraft | null>(settings ? draftOf(settings) : null);
  const [zoneQuery, setZoneQuery] = useState('');
  const [saving, setSaving] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const list = useRef<HTMLSelectElement>(null);

  // The workspace's settings changed (saved, another workspace opened): the form follows them.
  const settingsKey = JSON.stringify(settings ?? null);
  useEffect(() => {
    if (settings !== undefined) setDraft(draftOf(settings));
  }, [settingsKey]);

  const here = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone, []);
  const zones = useMemo(
    () => zoneChoices(Intl.supportedValuesOf('timeZone'), settings?.timezone ?? 'UTC'),
    [settings?.timezone],
  );
  // Offsets as of now (daylight saving included), computed once per list.
  const offsets = useMemo(() => {
    const now = new Date();
    return new Map(zones.map((z) => [z, zoneOffset(z, now)]));
  }, [zones]);
  const found = useMemo(() => searchZones(zones, zoneQuery), [zones, zoneQuery]);

  if (info === null || settings === undefined || draft === null) return null;
  const { change, errors } = checkDraft(draft, settings);
  const changed = Object.keys(change).length > 0;
  const valid = Object.keys(errors).length === 0;
  const locked = readOnly || saving !== null;
  const edit = (patch: Partial<SettingsDraft>): void => {
    setDraft({ ...draft, ...patch });
    setSaved(null);
    setError(null);
  };
  const offsetOf = (z: string): string => {
    const o = (offsets.get(z) ?? '').replace(/^GMT(\+0)?$/, 'UTC').replace('GMT', 'UTC');
    return o === '' || z === 'UTC' ? '' : ` (${o})`;
  };

  const save = async (): Promise<void> => {
    if (!changed || !valid || locked) return;
    const recut = change.sessionGapMinutes !== undefined;
    const label = recut
      ? `re-cutting sessions with a ${change.sessionGapMinutes}-minute gap`
      : 'saving workspace settings';
    setSaving(label);
    setError(null);
    setSaved(null);
    try {
      await jobs.run(label, (o) => api['workspace.updateSettings'](change, o));
      await refresh();
      setSaved(savedWording(change));
    } catch (e) {
      setError(settingsError(e));
    } finally {
      setSaving(null);
    }
  };

  return (
    <section className="panel settings-panel" aria-label="Workspace settings">
      <div className="panel-head">
        <h2>Workspace settings</h2>
        <button type="button" className="ghost small" onClick={onClose}>
          Close
        </button>
      </div>
      {readOnly && (
        <p className="warning" data-testid="settings-read-only">
          These settings cannot be changed here:{' '}
          {info.workspace.readOnlyReason ?? 'the workspace is open read-only.'}
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <fieldset className="settings-fields" disabled={locked} aria-busy={saving !== null}>
          <div className="settings-field settings-zone">
            <label htmlFor="settings-zone-search">Time zone</label>
            <div className="muted small" data-testid="settings-zone-current">
              Now: <strong>{draft.timezone}</strong>
              {offsetOf(draft.timezone)}
              {draft.timezone !== settings.timezone && ` (saved: ${settings.timezone})`}
            </div>
            <input
              id="settings-zone-search"
              type="search"
              aria-label="Search time zones"
              placeholder="Search: paris, new york, tokyo…"
              value={zoneQuery}
              aria-invalid={errors.timezone !== undefined || undefined}
              onChange={(e) => setZoneQuery(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'ArrowDown') {
                  e.preventDefault();
                  list.current?.focus();
                } else if (e.key === 'Enter') {
                  // Enter picks the best match rather than saving a half-chosen form.
                  e.preventDefault();
                  const first = found[0];
                  if (first !== undefined) edit({ timezone: first });
                }
              }}
            />
            <select
              ref={list}
              aria-label="Time zone"
              size={6}
              value={found.includes(draft.timezone) ? draft.timezone : ''}
              onChange={(e) => edit({ timezone: e.target.value })}
            >
              {found.map((z) => (
                <option key={z} value={z}>
                  {z}
                  {offsetOf(z)}
                </option>
              ))}
            </select>
            {found.length === 0 && (
              <div className="muted small">No time zone matches “{zoneQuery}”.</div>
            )}
            {!readOnly && here !== '' && here !== draft.timezone && (
              <button
                type="button"
                className="link small"
                onClick={() => {
                  edit({ timezone: here });
                  setZoneQuery('');
                }}
              >
                Use this computer’s zone, {here}
              </button>
            )}
            <p className="muted small">
              Days, weeks and months are cut in this zone; events stay stored in UTC.
            </p>
          </div>

          <div className="settings-field">
            <span className="settings-label" id="settings-week-label">
              Weeks start on
            </span>
            <div className="segmented" role="radiogroup" aria-labelledby="settings-week-label">
              {WEEK_STARTS.map((w) => (
                <button
                  key={w}
                  type="button"
                  role="radio"
                  aria-checked={draft.weekStart === w}
                  className={draft.weekStart === w ? 'on' : ''}
                  onClick={() => edit({ weekStart: w })}
                >
                  {WEEK_LABELS[w]}
                </button>
              ))}
            </div>
            <p className="muted small">
              Weekly periods of trends, retention, lifecycle and “this week”.
            </p>
          </div>

          <div className="settings-field">
            <label>
              Session gap (minutes)
              <input
                type="number"
                inputMode="numeric"
                min={1}
                max={MAX_SESSION_GAP_MINUTES}
                step={1}
                value={draft.sessionGap}
                aria-invalid={errors.sessionGap !== undefined || undefined}
                aria-describedby="settings-gap-help"
                onChange={(e) => edit({ sessionGap: e.target.value })}
              />
            </label>
            {errors.sessionGap !== undefined && (
              <p className="field-problem small">{errors.sessionGap}</p>
            )}
            <p className="muted small" id="settings-gap-help">
              A session ends after this long without an event (1 to {MAX_SESSION_GAP_MINUTES}).
              Changing it re-cuts the sessions of all {formatNumber(info.events)} events.
            </p>
          </div>

          <div className="settings-field">
            <label>
              Memory limit
              <input
                placeholder="automatic"
                value={draft.memoryLimit}
                aria-invalid={errors.memoryLimit !== undefined || undefined}
                aria-describedby="settings-memory-help"
                onChange={(e) => edit({ memoryLimit: e.target.value })}
              />
            </label>
            {errors.memoryLimit !== undefined && (
              <p className="field-problem small">{errors.memoryLimit}</p>
            )}
            <p className="muted small" id="settings-memory-help">
              How much memory DuckDB may use before it spills to disk, e.g. 4GB. Empty: chosen from
              this machine’s memory.
            </p>
          </div>
        </fieldset>
        <div className="row settings-actions">
          <button type="submit" className="primary" disabled={!changed || !valid || locked}>
            {saving !== null ? 'Saving…' : 'Save settings'}
          </button>
          <button
            type="button"
            disabled={!changed || locked}
            onClick={() => {
              setDraft(draftOf(settings));
              setError(null);
            }}
          >
            Revert
          </button>
          <span className="muted small" role="status" data-testid="settings-status">
            {saving !== null
              ? `${saving.charAt(0).toUpperCase()}${saving.slice(1)}…`
              : (saved ?? (changed && valid ? 'Not saved yet.' : ''))}
          </span>
        </div>
      </form>
      <ErrorNote error={error} title="The settings were not saved" />
    </section>
  );
}

/** What a saved change means for the numbers on screen. */
function savedWording(change: Partial<WorkspaceSettings>): string {
  const parts: string[] = [];
  if (change.timezone !== undefined) parts.push(`days are cut in ${change.timezone}`);
  if (change.weekStart !== undefined) parts.push(`weeks start on ${WEEK_LABELS[change.weekStart]}`);
  if (change.sessionGapMinutes !== undefined)
    parts.push(`sessions end after ${change.sessionGapMinutes} min idle`);
  if (change.memoryLimit !== undefined)
    parts.push(`memory limit ${change.memoryLimit ?? 'automatic'}`);
  return `Saved: ${parts.join(', ')}. Every view uses the new settings.`;
}
