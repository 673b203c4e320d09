import { existsSync } from 'node:fs';
import path from 'node:path';
import { app, dialog, type BaseWindow, type OpenDialogOptions } from 'electron';
import type { PickFilesOptions } from '../../shared/api/ipc';

/** Native dialogs. Each returns null (or []) when the user cancels; none throws for that. */

const EXPORT_FILTERS = [
  {
    name: 'Event exports (CSV, TSV, Parquet, JSON, NDJSON, gzip)',
    extensions: ['csv', 'tsv', 'txt', 'parquet', 'json', 'ndjson', 'jsonl', 'gz'],
  },
  { name: 'All files', extensions: ['*'] },
];
const WORKSPACE_FILTERS = [{ name: 'Workspaces', extensions: ['duckdb'] }];

/**
 * Files to import, or folders of export files. The options come from the page, so only the
 * known fields are read, and a title is capped to a sane length.
 */
export async function pickFiles(parent: BaseWindow | null, options: unknown): Promise<string[]> {
  const { title, directory } = readPickOptions(options);
  const dialogOptions: OpenDialogOptions = {
    title: title ?? (directory ? 'Choose folders of export files' : 'Choose export files'),
    // Linux and Windows cannot offer files and folders in one dialog: the page says which.
    properties: directory ? ['openDirectory', 'multiSelections'] : ['openFile', 'multiSelections'],
    ...(directory ? {} : { filters: EXPORT_FILTERS }),
  };
  const result = parent
    ? await dialog.showOpenDialog(parent, dialogOptions)
    : await dialog.showOpenDialog(dialogOptions);
  return result.canceled ? [] : result.filePaths;
}

export async function pickWorkspaceToOpen(parent: BaseWindow | null): Promise<string | null> {
  const options: OpenDialogOptions = {
    title: 'Open workspace',
    properties: ['openFile'],
    filters: WORKSPACE_FILTERS,
  };
  const result = parent
    ? await dialog.showOpenDialog(parent, options)
    : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/**
 * Where a new workspace goes. An existing file is refused rather than replaced: the save
 * dialog's "replace?" is too easy a way to lose a workspace that took an hour to import.
 */
export async function pickNewWorkspace(parent: BaseWindow | null): Promise<string | null> {
  const options = {
    title: 'New workspace',
    buttonLabel: 'Create',
    defaultPath: path.join(app.getPath('documents'), 'Untitled.duckdb'),
    filters: WORKSPACE_FILTERS,
  };
  const result = parent
    ? await dialog.showSaveDialog(parent, options)
    : await dialog.showSaveDialog(options);
  if (result.canceled || result.filePath === undefined || result.filePath === '') return null;
  const file = result.filePath.endsWith('.duckdb') ? result.filePath : `${result.filePath}.duckdb`;
  if (existsSync(file)) {
    showError(
      'The workspace was not created',
      `${file} already exists. Choose another name, or open it with File › Open Workspace…`,
    );
    return null;
  }
  return file;
}

/** A failed menu action, in the engine's own words (the ApiError message). */
export function showError(title: string, message: string): void {
  dialog.showErrorBox(title, message);
}

function readPickOptions(options: unknown): PickFilesOptions {
  if (typeof options !== 'object' || options === null) return {};
  const { title, directory } = options as Record<string, unknown>;
  return {
    ...(typeof title === 'string' && title !== '' ? { title: title.slice(0, 200) } : {}),
    directory: directory === true,
  };
}
