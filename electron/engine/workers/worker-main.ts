import { serveTasks } from './serve';
import { ENGINE_TASKS } from './tasks';

/**
 * The engine's worker thread (pool.ts starts it): bundled as `engine-worker` beside the CLI, the
 * server and Electron's main build; from the sources, started through tsx.
 */
serveTasks(ENGINE_TASKS);
