import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RecentWorkspace } from '../../../shared/api/browse-types';
import { dataDirectory } from '../workspace/default-location';

/** How many workspaces the list keeps. */
export const RECENT_LIMIT = 10;

/** In the data directory, beside the `workspaces` folder that holds the default workspace. */
export function recentListPath(env: NodeJS.ProcessEnv): string {
  return path.join(dataDirectory(env), 'recent-workspaces.json');
}

function isRecent(value: unknown): value is RecentWorkspace {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return typeof r.path === 'string' && typeof r.name === 'string' && typeof r.openedAt === 'string';
}

/** Everything the list file holds that this version can read, most recent first. */
function readList(env: NodeJS.ProcessEnv): RecentWorkspace[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(recentListPath(env), 'utf8'));
  } catch {
    // No list yet, or a damaged one: the next open starts a new list.
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const byPath = new Map<string, RecentWorkspace>();
  for (const r of parsed.filter(isRecent)) if (!byPath.has(r.path)) byPath.set(r.path, r);
  return [...byPath.values()];
}

/** Workspaces opened before, most recent first, each once; files that are gone are left out. */
export function recentWorkspaces(env: NodeJS.ProcessEnv): RecentWorkspace[] {
  return readList(env)
    .filter((r) => existsSync(r.path))
    .slice(0, RECENT_LIMIT);
}

/** Puts a workspace at the top of the list. A list that cannot be written is not an error. */
export function rememberWorkspace(
  env: NodeJS.ProcessEnv,
  workspace: { path: string; name: string },
  now: Date = new Date(),
): void {
  // An in-memory workspace cannot be reopened.
  if (workspace.path === ':memory:') return;
  const list = [
    { path: workspace.path, name: workspace.name, openedAt: now.toISOString() },
    ...recentWorkspaces(env).filter((r) => r.path !== workspace.path),
  ].slice(0, RECENT_LIMIT);
  const file = recentListPath(env);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // Written aside and renamed: the app and a CLI run opening workspaces at the same moment
    // may each lose the other's entry, but never leave half a file.
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(list, null, 2)}\n`);
    renameSync(temp, file);
  } catch {
    // A read-only home directory only loses the convenience of the list.
  }
}
