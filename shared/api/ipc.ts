/** Channel names shared by the Electron main process and the preload script. */
export const IPC_CALL = 'workbench:call';
export const IPC_PROGRESS = 'workbench:progress';
export const IPC_CANCEL = 'workbench:cancel';
export const IPC_PICK_FILES = 'workbench:pick-files';
export const IPC_COMMAND = 'workbench:command';

/** What the desktop shell (menu, dialogs) asks the renderer to do. */
export type ShellCommand =
  | { type: 'workspaceChanged' }
  | { type: 'import'; files: string[] }
  | { type: 'showView'; view: string };

export interface PickFilesOptions {
  title?: string;
  /** Pick folders instead of files (a folder of export files). */
  directory?: boolean;
}
