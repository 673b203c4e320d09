import { useState } from 'react';
import { useApp } from '../../app-context';
import { ErrorNote } from '../../components/ErrorNote';
import { settingsError } from './settings-form';
import './data-settings.css';

/**
 * After an import whose timestamps were read in a zone of their own: that zone is probably the
 * product's, so the workspace may cut its days and weeks in it too. One click applies it; Keep
 * dismisses the offer. Nothing changes unless asked.
 */
export function ZoneOffer({ zone, onDone }: { zone: string; onDone: () => void }) {
  const { api, info, refresh } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const current = info?.workspace.settings.timezone ?? 'UTC';
  // Already the workspace's (chosen in the settings meanwhile): nothing left to offer.
  if (current === zone || info?.workspace.readOnly === true) return null;

  const apply = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api['workspace.updateSettings']({ timezone: zone });
      await refresh();
      onDone();
    } catch (e) {
      setError(settingsError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="zone-offer" role="group" aria-label="Workspace time zone">
      <p>
        The file’s times were read in <strong>{zone}</strong>; the workspace cuts days and weeks in{' '}
        {current}. Use {zone} as the workspace time zone?
      </p>
      <button type="button" className="primary" disabled={busy} onClick={() => void apply()}>
        {busy ? 'Applying…' : `Use ${zone}`}
      </button>
      <button type="button" disabled={busy} onClick={onDone}>
        Keep {current}
      </button>
      <ErrorNote error={error} title="The time zone was not changed" />
    </div>
  );
}
