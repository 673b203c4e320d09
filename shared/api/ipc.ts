/** Channel names shared by the Electron main process and the preload script. */
export const IPC_CALL = 'workbench:call';
export const IPC_PROGRESS = 'workbench:progress';
export const IPC_CANCEL = 'workbench:cancel';
