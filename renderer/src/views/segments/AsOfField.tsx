import { useApp } from '../../app-context';

/**
 * The day a segment or a trigger is evaluated as of: empty follows the data (its last day),
 * a date pins it. `notes` say what each means for the thing being edited.
 */
export function AsOfField({
  value,
  onChange,
  notes,
}: {
  value: string;
  onChange: (day: string) => void;
  notes: { following: (lastDay: string) => string; pinned: string };
}) {
  const { info } = useApp();
  return (
    <>
      <label>
        As of
        <span className="row">
          <input
            type="date"
            aria-label="As of"
            value={value}
            min={info?.days?.from}
            max={info?.days?.to}
            onChange={(e) => onChange(e.target.value)}
          />
          {value !== '' && (
            <button type="button" className="small ghost" onClick={() => onChange('')}>
              Follow the data
            </button>
          )}
        </span>
      </label>
      <span className="muted small as-of-note">
        {value === '' ? notes.following(info?.days?.to ?? 'none yet') : notes.pinned}
      </span>
    </>
  );
}
