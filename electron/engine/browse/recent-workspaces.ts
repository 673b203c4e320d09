import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RecentWorkspace } from '../../../shared/api/browse-types';
import { dataDirectory } from '../workspace/default-location';

const KEEP = 10;

function file(env: NodeJS.ProcessEnv): string {
  return path.join(dataDirectory(env), 'recent-workspaces.json');
}

/** Workspaces opened before, most recent first; files that are gone are left out. */
export function recentWorkspaces(env: NodeJS.ProcessEnv): RecentWorkspace[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file(env), 'utf8'));
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter(
        (r): r is RecentWorkspace =>
          typeof r === 'object' &&
          r !== null &&
          typeof (r as RecentWorkspace).path === 'string' &&
          typeof (r as RecentWorkspace).name === 'string' &&
          typeof (r as RecentWorkspace).openedAt === 'string',
      )
      .filter((r) => existsSync(r.path));
  } catch {
    // No list yet, or one this version cannot read: start a new one.
    return [];
  }
}

/** Puts a workspace at the top of the list. A list that cannot be written is not an error. */
export function rememberWorkspace(
  env: NodeJS.ProcessEnv,
  workspace: { path: string; name: string },
  now: Date = new Date(),
): void {
  const list = [
    { path: workspace.path, name: workspace.name, openedAt: now.toISOString() },
    ...recentWorkspaces(env).filter((r) => r.path !== workspace.path),
  ].slice(0, KEEP);
  try {
    mkdirSync(path.dirname(file(env)), { recursive: true });
    writeFileSync(file(env), `${JSON.stringify(list, null, 2)}\n`);
  } catch {
    // A read-only home directory only loses the convenience of the list.
  }
}
