import { createContext, useContext } from 'react';
import type { ApiClient } from '../../shared/api/contract';
import type { WorkspaceInfo } from '../../shared/api/workspace-types';
import type { Connection } from './api';
import type { JobStore } from './lib/jobs';

export type Theme = 'light' | 'dark';

/** What every view reaches: the engine, the job tray, the open workspace, the theme. */
export interface AppContext {
  connection: Connection;
  api: ApiClient;
  jobs: JobStore;
  info: WorkspaceInfo | null;
  /** Reloads the workspace's info (after an import, a switch). */
  refresh(): Promise<void>;
  theme: Theme;
  /** Opens another view, optionally with a user's timeline or files to import. */
  navigate(view: string, detail?: { userId?: string; files?: string[] }): void;
}

export const Context = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const value = useContext(Context);
  if (value === null) throw new Error('useApp outside the app');
  return value;
}
