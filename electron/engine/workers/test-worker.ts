import { serveTasks } from './serve';
import { TEST_TASKS } from './test-tasks';

/** A worker entry with tasks that misbehave on purpose, for pool.test.ts. */
serveTasks(TEST_TASKS);
