import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CALL, IPC_PROGRESS } from '../../shared/api/ipc';
import type { ProgressEvent } from '../../shared/api/contract';

/**
 * Exposes exactly one thing to the page: a function that sends a contract call over IPC, and a
 * progress subscription. The renderer wraps it in the typed client.
 */
contextBridge.exposeInMainWorld('workbenchBridge', {
  call: (method: string, request: unknown, jobId?: string): Promise<unknown> =>
    ipcRenderer.invoke(IPC_CALL, method, request, jobId),
  onProgress: (listener: (event: ProgressEvent) => void): (() => void) => {
    const handler = (_: unknown, event: ProgressEvent): void => listener(event);
    ipcRenderer.on(IPC_PROGRESS, handler);
    return () => ipcRenderer.off(IPC_PROGRESS, handler);
  },
});
