import type { ThresholdsSpec } from '../../../../../shared/specs/thresholds';
import { useApp } from '../../../app-context';
import { withOptional } from '../../spec-edit';
import { Field, NumberInput, PropertySelect, Select } from '../../controls';
import { StartEventField, StartRangeEditor } from '../metrics/Builder';
import { EventList, MetricList } from '../metrics/MetricList';
import { SegmentsPicker, UserFilters } from '../../segment-pickers';

const HOLDOUT = [
  ['0', 'Nobody'],
  ['0.1', '10%'],
  ['0.2', '20%'],
  ['0.25', '25% (default)'],
  ['0.33', '33%'],
  ['0.5', '50%'],
] as const;

export function ThresholdsBuilder({
  spec,
  onChange,
}: {
  spec: ThresholdsSpec;
  onChange: (s: ThresholdsSpec) => void;
}) {
  const { info } = useApp();
  const events = (info?.eventTypes ?? []).map((t) => t.event);
  const { outcome } = spec;
  const setOutcome = (next: Partial<ThresholdsSpec['outcome']>) =>
    onChange({ ...spec, outcome: { ...outcome, ...next } });
  return (
    <>
      <fieldset className="series">
        <legend>New users</legend>
        <StartEventField value={spec} onChange={onChange} />
        <StartRangeEditor
          spec={spec}
          onChange={onChange}
          label="Only users starting in…"
          help="Only users whose start falls in these days; unticked: every user whose outcome window was observed."
        />
        <NumberInput
          label="Observed days"
          help="The metrics are measured over each user's first N days after their start (default 7)."
          value={spec.observationDays}
          min={1}
          max={366}
          onChange={(observationDays) => onChange({ ...spec, observationDays })}
        />
        <UserFilters
          spec={spec}
          onChange={onChange}
          segmentHelp="Only the members of a saved segment as the population (save one from any number's users)."
        />
      </fieldset>
      <fieldset className="series">
        <legend>Outcome</legend>
        <Select
          label="Outcome"
          help="Retained: did one of the events in the outcome window. Converted: did one of them at any time from its first to its last day."
          value={outcome.type}
          options={[
            ['retained', 'Retained (default)'],
            ['converted', 'Converted'],
          ]}
          onChange={(type) => setOutcome({ type })}
        />
        <EventList
          label="Outcome event"
          value={outcome.events}
          onChange={(list) => setOutcome({ events: list })}
        />
        <div className="row">
          <Select
            label="Outcome unit"
            help="Days or weeks after the start (day 1 = the first 24 hours)."
            value={outcome.unit}
            options={[
              ['day', 'Days'],
              ['week', 'Weeks'],
            ]}
            onChange={(unit) => setOutcome({ unit })}
          />
          <NumberInput
            label="From"
            help="The outcome window's first day (or week) after the start."
            value={outcome.from}
            min={1}
            max={520}
            onChange={(from) => setOutcome({ from, to: Math.max(from, outcome.to) })}
          />
          <NumberInput
            label="To"
            help="Its last day (or week), included."
            value={outcome.to}
            min={outcome.from}
            max={520}
            onChange={(to) => setOutcome({ to })}
          />
        </div>
      </fieldset>
      <h3 className="builder-heading">Metrics</h3>
      <MetricList value={spec.metrics} onChange={(metrics) => onChange({ ...spec, metrics })} />
      <fieldset className="series">
        <legend>Heat map, split, checks</legend>
        <Field
          label="Heat map events"
          help="The events of the heat map (did it by day d); none picked: the 10 events most new users did."
        >
          <select
            multiple
            aria-label="Heat map events"
            size={Math.min(6, Math.max(3, events.length))}
            value={spec.heatmapEvents}
            onChange={(e) =>
              onChange({
                ...spec,
                heatmapEvents: [...e.target.selectedOptions].map((o) => o.value).slice(0, 30),
              })
            }
          >
            {events.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </Field>
        {spec.heatmapEvents.length > 0 && (
          <button
            type="button"
            className="ghost small add"
            onClick={() => onChange({ ...spec, heatmapEvents: [] })}
          >
            The 10 most common instead
          </button>
        )}
        <div className="row">
          <Field
            label="Split by"
            help="Benchmarks per value of a user property, or of a property of the start event (a plan, a country)."
          >
            <PropertySelect
              label="Split by"
              empty="(none)"
              value={spec.split}
              onChange={(ref) =>
                onChange(
                  withOptional(
                    { ...spec, splitSegments: ref === undefined ? spec.splitSegments : [] },
                    'split',
                    ref === undefined ? undefined : { ...ref, limit: spec.split?.limit ?? 6 },
                  ),
                )
              }
            />
          </Field>
          {spec.split !== undefined && (
            <NumberInput
              label="Split values"
              help="How many of its most common values get their own benchmarks."
              value={spec.split.limit}
              min={1}
              max={20}
              onChange={(limit) =>
                spec.split && onChange({ ...spec, split: { ...spec.split, limit } })
              }
            />
          )}
        </div>
        <SegmentsPicker
          value={spec.splitSegments}
          help="Benchmarks per saved segment, side by side (instead of a property): each user in the first of them they are a member of."
          onChange={(ids) =>
            onChange(
              withOptional(
                { ...spec, splitSegments: ids },
                'split',
                ids.length > 0 ? undefined : spec.split,
              ),
            )
          }
        />
        <div className="row">
          <Select
            label="Held out"
            help="The most recent starters kept out: the benchmark is found on the earlier ones and checked on these."
            value={String(spec.holdoutShare)}
            options={
              HOLDOUT.some(([v]) => Number(v) === spec.holdoutShare)
                ? HOLDOUT
                : [
                    [String(spec.holdoutShare), `${Math.round(spec.holdoutShare * 100)}%`],
                    ...HOLDOUT,
                  ]
            }
            onChange={(v) => onChange({ ...spec, holdoutShare: Number(v) })}
          />
          <NumberInput
            label="Min users"
            help="A side (at or above, below) with fewer users is flagged as too small to trust."
            value={spec.minUsers}
            min={1}
            max={1_000_000}
            onChange={(minUsers) => onChange({ ...spec, minUsers })}
          />
        </div>
        <NumberInput
          label="Bottom percentile"
          help="Dynamic thresholds: each metric's bottom N percent, over all new users and by month of start."
          value={spec.percentile}
          min={1}
          max={99}
          onChange={(percentile) => onChange({ ...spec, percentile })}
        />
      </fieldset>
    </>
  );
}
