import { useMemo } from 'react';
import type { ImportPreview, MappingOverride, PresetId } from '../../../../shared/api/import-types';
import { PRESET_IDS } from '../../../../shared/api/import-types';
import {
  MAPPING_FIELDS,
  mappedColumn,
  missingFields,
  withColumn,
  withEventName,
} from '../../lib/import-mapping';

/** Marks the event select's "no column: one name for every row" choice. */
const CONSTANT = '\u0000constant';

/**
 * How the file will be read: its format, the preset (detected, or chosen), the column each
 * field reads (any file column, or a nested key the preset found), and the time zone of
 * timestamps written without one. Every change asks for a new preview.
 */
export function ImportMapping({
  preview,
  preset,
  onPreset,
  mapping,
  onMapping,
  timezone,
  onTimezone,
  showFormat = false,
}: {
  preview: ImportPreview;
  preset: PresetId | undefined;
  onPreset: (preset: PresetId) => void;
  mapping: MappingOverride;
  onMapping: (mapping: MappingOverride) => void;
  timezone: string;
  onTimezone: (zone: string) => void;
  /** Offer the timestamp format (the timestamps did not read as any known form). */
  showFormat?: boolean;
}) {
  const missing = missingFields(preview, mapping);
  const columns = preview.fileColumns.map((c) => c.name);
  const eventName = mapping.eventName ?? preview.mapping.eventName;
  const constantEvent = mapping.event === undefined && eventName !== undefined;
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);

  return (
    <div className="mapping" aria-label="Column mapping">
      <label>
        Preset
        <select
          aria-label="Preset"
          value={preset ?? preview.preset}
          onChange={(e) => onPreset(e.target.value as PresetId)}
        >
          {PRESET_IDS.map((id) => (
            <option key={id} value={id}>
              {id}
              {id === preview.candidates[0]?.preset ? ' (detected)' : ''}
            </option>
          ))}
        </select>
      </label>
      {MAPPING_FIELDS.map((field) => {
        const current = mappedColumn(field.key, mapping, preview);
        const isMissing = missing.includes(field.key);
        const value = field.key === 'event' && constantEvent ? CONSTANT : current;
        return (
          <label key={field.key} className={isMissing ? 'missing' : undefined}>
            {field.label}
            {isMissing ? ' — choose one' : ''}
            <select
              aria-label={field.label}
              aria-invalid={isMissing || undefined}
              value={value}
              onChange={(e) =>
                onMapping(
                  e.target.value === CONSTANT
                    ? withEventName(mapping, eventName ?? 'event')
                    : withColumn(mapping, field.key, e.target.value),
                )
              }
            >
              <option value="">{field.required ? '(no column)' : '(none)'}</option>
              {/* A preset may read a key inside a nested column (properties.time). */}
              {[...new Set([current, ...columns])]
                .filter((c) => c !== '')
                .map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              {field.key === 'event' && <option value={CONSTANT}>(one name for every row…)</option>}
            </select>
          </label>
        );
      })}
      {constantEvent && (
        <label>
          Event name of every row
          <input
            aria-label="Event name of every row"
            value={eventName ?? ''}
            onChange={(e) => onMapping(withEventName(mapping, e.target.value))}
          />
        </label>
      )}
      {(showFormat || mapping.timestampFormat !== undefined) && (
        <TimestampFormat mapping={mapping} onMapping={onMapping} />
      )}
      <label title="The time zone of timestamps written without an offset (a UTC offset or Z in the text wins)">
        Source time zone
        <input
          aria-label="Source time zone"
          list="import-zones"
          placeholder="UTC"
          value={timezone}
          onChange={(e) => onTimezone(e.target.value)}
        />
        <datalist id="import-zones">
          {zones.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </label>
    </div>
  );
}

/** A strptime format for timestamps in a form of their own (`%d/%m/%Y %H:%M`). */
export function TimestampFormat({
  mapping,
  onMapping,
}: {
  mapping: MappingOverride;
  onMapping: (mapping: MappingOverride) => void;
}) {
  return (
    <label className="narrow" title="A strptime format, for timestamps in a form of their own">
      Timestamp format
      <input
        aria-label="Timestamp format"
        list="import-ts-formats"
        placeholder="%d/%m/%Y %H:%M"
        value={mapping.timestampFormat ?? ''}
        onChange={(e) => {
          const { timestampFormat: _previous, ...rest } = mapping;
          onMapping(e.target.value === '' ? rest : { ...rest, timestampFormat: e.target.value });
        }}
      />
      <datalist id="import-ts-formats">
        {TIMESTAMP_FORMATS.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
    </label>
  );
}

const TIMESTAMP_FORMATS = [
  '%d/%m/%Y %H:%M',
  '%m/%d/%Y %H:%M',
  '%d/%m/%Y %H:%M:%S',
  '%m/%d/%Y %H:%M:%S',
  '%d.%m.%Y %H:%M',
  '%Y-%m-%d %H:%M:%S',
  '%Y%m%d%H%M%S',
];
