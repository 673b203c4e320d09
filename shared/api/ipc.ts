import type { MethodName, ProgressEvent, Reply } from './contract';

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

/**
 * `window.workbenchBridge` in the desktop app: everything the preload script exposes, and
 * nothing else. Browser mode has no bridge (the renderer talks HTTP instead).
 */
export interface WorkbenchBridge {
  /** One contract call; errors come back as data in the reply, never as a rejection. */
  call(method: string, request: unknown, jobId?: string): Promise<Reply<MethodName>>;
  /** Progress of this window's own long calls. Returns the unsubscribe function. */
  onProgress(listener: (event: ProgressEvent) => void): () => void;
  /** The native open dialog (several files, or folders); [] when cancelled. */
  pickFiles(options?: PickFilesOptions): Promise<string[]>;
  /** What the menu asks for (a workspace opened, files to import). Returns the unsubscribe. */
  onCommand(listener: (command: ShellCommand) => void): () => void;
}
