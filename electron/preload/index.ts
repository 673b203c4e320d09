import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ProgressEvent } from '../../shared/api/contract';
import {
  IPC_CALL,
  IPC_COMMAND,
  IPC_PICK_FILES,
  IPC_PROGRESS,
  type PickFilesOptions,
  type ShellCommand,
  type WorkbenchBridge,
} from '../../shared/api/ipc';

/**
 * The page's only door to the engine and the native shell: four functions over fixed channels.
 * Listeners get the payload alone, never the IPC event (it would hand the page `sender`), and
 * each subscription returns its own unsubscribe so a page cannot remove other listeners.
 */
function subscribe<T>(channel: string, listener: (payload: T) => void): () => void {
  const handler = (_: IpcRendererEvent, payload: T): void => listener(payload);
  ipcRenderer.on(channel, handler);
  return () => void ipcRenderer.off(channel, handler);
}

const bridge: WorkbenchBridge = {
  call: (method, request, jobId) => ipcRenderer.invoke(IPC_CALL, method, request, jobId),
  onProgress: (listener) => subscribe<ProgressEvent>(IPC_PROGRESS, listener),
  pickFiles: (options: PickFilesOptions = {}) => ipcRenderer.invoke(IPC_PICK_FILES, options),
  onCommand: (listener) => subscribe<ShellCommand>(IPC_COMMAND, listener),
};

contextBridge.exposeInMainWorld('workbenchBridge', bridge);
