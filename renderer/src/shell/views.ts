/** Every view of the product, in the rail's order; `built: false` views say what they will do. */
export interface ViewDef {
  id: string;
  label: string;
  group: 'Data' | 'Analyses' | 'Users' | 'Tools';
  built: boolean;
  /** One paragraph: what the view is for. */
  about: string;
}

export const VIEWS: ViewDef[] = [
  {
    id: 'data',
    label: 'Data',
    group: 'Data',
    built: true,
    about: 'Import event exports and people, see what the workspace holds.',
  },
  {
    id: 'events',
    label: 'Events',
    group: 'Data',
    built: true,
    about: 'Event types with their counts, every raw event, and any user’s timeline.',
  },
  {
    id: 'trends',
    label: 'Trends',
    group: 'Analyses',
    built: true,
    about:
      'Events, unique users, DAU/WAU/MAU and property sums per hour, day, week or month, several series with breakdowns.',
  },
  {
    id: 'funnels',
    label: 'Funnels',
    group: 'Analyses',
    built: true,
    about:
      'Ordered, strict or any-order funnels with conversion windows, exclusions, optional steps, time to convert and conversion over time, with the users behind every step.',
  },
  {
    id: 'retention',
    label: 'Retention',
    group: 'Analyses',
    built: true,
    about:
      'Cohort grids (first time, first ever, recurring) by day, week or month, on / on-or-after / brackets, calendar or rolling windows, user or revenue retention.',
  },
  {
    id: 'lifecycle',
    label: 'Lifecycle',
    group: 'Analyses',
    built: true,
    about: 'New, returning, resurrecting and dormant users per period, with the quick ratio.',
  },
  {
    id: 'stickiness',
    label: 'Stickiness',
    group: 'Analyses',
    built: true,
    about: 'How many days a week (or month) users come back, exact or cumulative.',
  },
  {
    id: 'paths',
    label: 'Paths',
    group: 'Analyses',
    built: true,
    about:
      'What users do after a start event or before an end event, within sessions, as a Sankey.',
  },
  {
    id: 'sessions',
    label: 'Sessions',
    group: 'Analyses',
    built: true,
    about: 'Sessions per period, their length in time and events, and the bounce rate.',
  },
  {
    id: 'metrics',
    label: 'Metrics & Thresholds',
    group: 'Users',
    built: true,
    about:
      'Per-user behaviour over a window (frequency, sessions, feature adoption, depth, recency, trend) as distributions and a table of every user, exported as CSV or Parquet; and threshold benchmarks: which level of each behaviour in the first days separates retained from churned new users, checked on held-out starters, per group and by month.',
  },
  {
    id: 'segments',
    label: 'Segments',
    group: 'Users',
    built: true,
    about:
      'Behavioural segments saved in the workspace: rules of AND/OR/NOT groups over events, per-user metrics, user properties, other segments and outcomes of saved analyses, evaluated as of a day with a live count, or started from a template (High-Engagers, At-Risk, Dormant...); each with its members and their metrics, and its size over time.',
  },
  {
    id: 'personas',
    label: 'Personas',
    group: 'Users',
    built: false,
    about: 'K-means behavioural personas, churn prediction and experiment lift.',
  },
  {
    id: 'exports',
    label: 'Exports',
    group: 'Users',
    built: false,
    about: 'Segment lists, HubSpot and Marketo import files, and hashed ad-audience files.',
  },
  {
    id: 'sql',
    label: 'SQL',
    group: 'Tools',
    built: true,
    about: 'Query the workspace with DuckDB SQL, read-only.',
  },
];

export function viewById(id: string): ViewDef {
  return VIEWS.find((v) => v.id === id) ?? (VIEWS[0] as ViewDef);
}
