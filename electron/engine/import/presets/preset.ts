import type { ColumnMappingInput, FileFormat, PresetId } from '../../../../shared/api/import-types';
import type { FileColumn } from '../source';

/** What a preset sees of a file: its columns and the keys found inside its nested columns. */
export interface PresetContext {
  format: FileFormat;
  columns: FileColumn[];
  /** Keys of STRUCT / MAP / JSON columns (from the type, or from a sample of rows). */
  nestedKeys: Map<string, Set<string>>;
}

export interface Preset {
  id: PresetId;
  label: string;
  /** 0 = not this layout; up to 100 = the vendor's documented layout, unmistakably. */
  score(ctx: PresetContext): number;
  /** The mapping for a file this preset recognised; overrides are applied on top. */
  mapping(ctx: PresetContext): ColumnMappingInput;
}

const normalise = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The first column whose name matches one of the candidates (case and punctuation ignored). */
export function findColumn(ctx: PresetContext, candidates: readonly string[]): string | undefined {
  for (const candidate of candidates) {
    const wanted = normalise(candidate);
    const hit = ctx.columns.find((c) => normalise(c.name) === wanted);
    if (hit) return hit.name;
  }
  return undefined;
}

export function hasColumn(ctx: PresetContext, name: string): boolean {
  return ctx.columns.some((c) => c.name === name);
}

export function hasKey(ctx: PresetContext, column: string, key: string): boolean {
  return ctx.nestedKeys.get(column)?.has(key) ?? false;
}

export function typeOf(ctx: PresetContext, name: string): string | undefined {
  return ctx.columns.find((c) => c.name === name)?.type;
}

export function isNested(ctx: PresetContext, name: string): boolean {
  return ctx.nestedKeys.has(name);
}
