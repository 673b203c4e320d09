import { funnelScanTask } from '../analyses/funnel/scan';
import { pathsScanTask } from '../analyses/paths/scan';
import type { AnyTask } from './task';

/**
 * Every task the engine's worker can run: a task is defined beside the code it runs
 * (`defineTask` / `defineStreamTask`) and listed here, so the worker's bundle holds it. The
 * caller passes the same object to `runTask` / `openTaskStream` (pool.ts).
 */
export const ENGINE_TASKS: readonly AnyTask[] = [pathsScanTask, funnelScanTask];
