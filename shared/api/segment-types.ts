import { z } from 'zod';
import { analysisSpecSchema, type AnalysisResult } from '../specs/analysis-spec';
import { dynamicSegmentSpecSchema, segmentRuleSchema } from '../specs/segment';

/** A saved segment as the Segments view lists it. */
export interface SegmentInfo {
  id: string;
  name: string;
  type: 'static' | 'dynamic';
  /** Members now (as of `asOf` for a dynamic segment); null until it was first evaluated. */
  members: number | null;
  /** Users first seen by the as-of day: what `members` is a share of (null for static ones). */
  population: number | null;
  /** The local day a dynamic segment was evaluated as of; null for static ones. */
  asOf: string | null;
  /** The as-of day is fixed by the spec rather than following the data. */
  pinned: boolean;
  /** The definition in words. */
  definition: string;
  /** When the members were last computed (UTC, ISO). */
  computedAt: string | null;
  seconds: number | null;
  /** Computed on other data than the workspace holds now (a refresh failed or is due). */
  stale: boolean;
  /** Fewer members than a comparison can say much about. */
  small: boolean;
  warnings: string[];
  createdAt: string;
  updatedAt: string;
  spec: unknown;
}

export interface SegmentCount {
  members: number;
  population: number;
  asOf: string;
  seconds: number;
  warnings: string[];
}

export interface SegmentHistoryPoint {
  /** The period's first local day, and the day members were evaluated as of (its last). */
  period: string;
  asOf: string;
  members: number;
  population: number;
  /** Members now who were not one at the previous point (null at the first). */
  entered: number | null;
  /** Members at the previous point who are not now. */
  left: number | null;
}

export const saveSegmentRequestSchema = z.object({
  /** An existing dynamic segment to update; absent: a new one. */
  id: z.string().min(1).optional(),
  name: z.string().trim().min(1, 'give the segment a name').max(200),
  spec: dynamicSegmentSpecSchema,
});

export const countSegmentRequestSchema = z.object({
  rule: segmentRuleSchema,
  asOf: dynamicSegmentSpecSchema.shape.asOf,
});

/** Most points of a membership history: each is an evaluation of the rule. */
export const MAX_HISTORY_POINTS = 60;

export const segmentHistoryRequestSchema = z
  .object({
    id: z.string().min(1).optional(),
    rule: segmentRuleSchema.optional(),
    interval: z.enum(['day', 'week']).default('week'),
    /** Points back from the as-of day (the last point), one per interval. */
    points: z.number().int().min(2).max(MAX_HISTORY_POINTS).default(12),
    asOf: dynamicSegmentSpecSchema.shape.asOf,
  })
  .refine((r) => (r.id === undefined) !== (r.rule === undefined), {
    message: 'name a saved segment (id) or give a rule, not both',
    path: ['id'],
  });

/** One side of a comparison: the analysis of a segment's members, or of everyone else. */
export interface SegmentComparisonGroup {
  label: string;
  /** The segment's id; null for "everyone else" (in none of them). */
  segment: string | null;
  members: number;
  /** Too few members to compare with much confidence. */
  small: boolean;
  result: AnalysisResult;
}

export interface SegmentComparison {
  groups: SegmentComparisonGroup[];
  /** Users in more than one of the segments: each counts in every segment it is in. */
  shared: number;
  warnings: string[];
}

/** Most segments side by side: beyond that a chart is unreadable. */
export const MAX_COMPARED_SEGMENTS = 10;

export const compareSegmentsRequestSchema = z.object({
  spec: analysisSpecSchema,
  segments: z
    .array(z.string().min(1))
    .min(1, 'name at least one segment')
    .max(MAX_COMPARED_SEGMENTS, `at most ${MAX_COMPARED_SEGMENTS} segments side by side`),
  /** Also everyone in none of them ("the rest"). */
  rest: z.boolean().default(true),
});
