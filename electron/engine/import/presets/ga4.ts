import type { Preset } from './preset';
import { hasColumn, typeOf } from './preset';
import { structFields } from '../source';

/** GA4's [{key, value: {string_value, int_value, ...}}] lists, read from Parquet or JSON. */
export function isKeyValueList(type: string | undefined): boolean {
  if (type === undefined || !type.endsWith('[]')) return false;
  const names = structFields(type.slice(0, -2)).map((f) => f.name);
  return names.includes('key') && names.includes('value');
}

/**
 * GA4 BigQuery export: event_name, event_timestamp (microseconds since the epoch, UTC),
 * user_pseudo_id (a device id that looks like a decimal and must stay text), user_id when the
 * site sets one (GA4's blended identity prefers it), event_params / user_properties as key/value
 * lists, device / geo / traffic_source records.
 */
export const ga4: Preset = {
  id: 'ga4',
  label: 'GA4 BigQuery export',
  score(ctx) {
    if (!hasColumn(ctx, 'user_pseudo_id') || !hasColumn(ctx, 'event_timestamp')) return 0;
    return hasColumn(ctx, 'event_name') ? 100 : 85;
  },
  mapping(ctx) {
    const records = ['device', 'geo', 'traffic_source', 'app_info', 'collected_traffic_source'];
    return {
      userId: hasColumn(ctx, 'user_id') ? ['user_id', 'user_pseudo_id'] : ['user_pseudo_id'],
      event: hasColumn(ctx, 'event_name') ? 'event_name' : undefined,
      timestamp: 'event_timestamp',
      nested: [
        ...(isKeyValueList(typeOf(ctx, 'event_params'))
          ? [{ column: 'event_params', prefix: '', shape: 'keyValueList' as const }]
          : []),
        ...(isKeyValueList(typeOf(ctx, 'user_properties'))
          ? [{ column: 'user_properties', prefix: 'user_', shape: 'keyValueList' as const }]
          : []),
        ...records
          .filter((r) => typeOf(ctx, r)?.startsWith('STRUCT(') === true)
          .map((r) => ({ column: r, prefix: `${r}_`, shape: 'object' as const })),
      ],
      // event_date repeats the timestamp's UTC day; keeping it would only invite time-zone mistakes.
      exclude: ['event_date'],
    };
  },
};
