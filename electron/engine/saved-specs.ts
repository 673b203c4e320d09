import { randomUUID } from 'node:crypto';
import type { ParsedRequestOf } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { SavedKind, SavedSpec } from '../../shared/api/workspace-types';
import { queryRows } from './duckdb/database';
import { isoUtc, type Workspace } from './workspace/workspace';
import { assertNotRead } from './segments/dynamic-segments';
import { triggerSpecSchema } from '../../shared/specs/trigger';
import { issueLines } from '../../shared/specs/strict';

/** Saved analyses, segments and personas: specs as JSON, so the workspace reopens as it was left. */
export async function listSaved(workspace: Workspace, kind?: SavedKind): Promise<SavedSpec[]> {
  return workspace.use(async (c) => {
    const rows = await queryRows(
      c,
      `SELECT * FROM saved_specs WHERE $1::VARCHAR IS NULL OR kind = $1 ORDER BY updated_at DESC, name`,
      [kind ?? null],
    );
    return rows.map((r) => ({
      id: String(r.id),
      kind: String(r.kind) as SavedKind,
      name: String(r.name),
      spec: typeof r.spec === 'string' ? JSON.parse(r.spec) : r.spec,
      createdAt: isoUtc(r.created_at),
      updatedAt: isoUtc(r.updated_at),
    }));
  });
}

export async function saveSpec(
  workspace: Workspace,
  request: ParsedRequestOf<'saved.save'>,
): Promise<SavedSpec> {
  workspace.assertWritable();
  if (request.kind === 'segment') {
    // A segment's members are computed from its rule or its number: saved through its own methods.
    throw new ApiError(
      'INVALID_REQUEST',
      'Segments are saved with segments.save (a rule) or segments.createStatic (the users behind a number), and renamed with segments.rename.',
      { field: 'kind' },
    );
  }
  if (request.kind === 'trigger') {
    // A saved trigger is run again later (and by the CLI): refused now if it would be then.
    const parsed = triggerSpecSchema.safeParse(request.spec);
    if (!parsed.success) {
      throw new ApiError(
        'INVALID_REQUEST',
        `The trigger spec is not valid: ${issueLines(parsed.error.issues, 'spec').join('; ')}.`,
        { field: 'spec' },
      );
    }
  }
  const id = request.id ?? randomUUID();
  await workspace.use(async (c) => {
    await c.run('BEGIN TRANSACTION');
    const existing = await queryRows(c, `SELECT created_at FROM saved_specs WHERE id = $1`, [id]);
    await c.run(`DELETE FROM saved_specs WHERE id = $1`, [id]);
    await c.run(
      `INSERT INTO saved_specs VALUES ($1, $2, $3, $4, coalesce($5::TIMESTAMP, now()::TIMESTAMP), now()::TIMESTAMP)`,
      [
        id,
        request.kind,
        request.name,
        JSON.stringify(request.spec),
        (existing[0]?.created_at as string | undefined) ?? null,
      ],
    );
    await c.run('COMMIT');
  });
  const saved = (await listSaved(workspace)).find((s) => s.id === id);
  if (saved === undefined) throw new ApiError('INTERNAL', 'The spec was not saved.');
  return saved;
}

export async function deleteSpec(workspace: Workspace, id: string): Promise<{ deleted: boolean }> {
  workspace.assertWritable();
  return workspace.use(async (c) => {
    const before = await queryRows(c, `SELECT id FROM saved_specs WHERE id = $1`, [id]);
    await assertNotRead(c, id);
    await c.run(`DELETE FROM saved_specs WHERE id = $1`, [id]);
    // A segment's members and state go with it.
    await c.run(`DELETE FROM segment_members WHERE segment_id = $1`, [id]);
    await c.run(`DELETE FROM segment_state WHERE segment_id = $1`, [id]);
    return { deleted: before.length > 0 };
  });
}
