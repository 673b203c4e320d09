import type { CallOptions, ProgressEvent } from '../../../shared/api/contract';

export interface Job {
  id: string;
  label: string;
  phase: string;
  fraction: number | null;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  message?: string;
}

type Listener = () => void;

/**
 * Long calls the window is running (imports, queries, analyses): each gets a job id the engine
 * reports progress under and can be cancelled by. The job tray renders this store.
 */
export class JobStore {
  private jobs: Job[] = [];
  private readonly listeners = new Set<Listener>();
  private counter = 0;

  constructor(private readonly cancelCall: (jobId: string) => Promise<unknown>) {}

  snapshot = (): Job[] => this.jobs;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Runs `call` as a job; its promise settles like the call's. */
  async run<T>(label: string, call: (options: CallOptions) => Promise<T>): Promise<T> {
    const id = `ui-${Date.now().toString(36)}-${++this.counter}`;
    this.update({ id, label, phase: 'starting', fraction: null, state: 'running' });
    try {
      const value = await call({ jobId: id });
      this.finish(id, 'done');
      return value;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const cancelled = (error as { code?: string }).code === 'CANCELLED';
      this.finish(id, cancelled ? 'cancelled' : 'failed', message);
      throw error;
    }
  }

  progress = (event: ProgressEvent): void => {
    const job = this.jobs.find((j) => j.id === event.jobId);
    if (job === undefined || job.state !== 'running') return;
    this.update({ ...job, phase: event.phase, fraction: event.fraction });
  };

  cancel(id: string): void {
    void this.cancelCall(id);
  }

  private finish(id: string, state: Job['state'], message?: string): void {
    const job = this.jobs.find((j) => j.id === id);
    if (job === undefined) return;
    this.update({
      ...job,
      state,
      fraction: state === 'done' ? 1 : job.fraction,
      ...(message === undefined ? {} : { message }),
    });
    // Finished work stays in the tray briefly; a failure's message is shown where it happened.
    setTimeout(() => this.remove(id), 3_000);
  }

  private update(job: Job): void {
    const others = this.jobs.filter((j) => j.id !== job.id);
    this.jobs = [...others, job].slice(-8);
    for (const listener of this.listeners) listener();
  }

  private remove(id: string): void {
    this.jobs = this.jobs.filter((j) => j.id !== id);
    for (const listener of this.listeners) listener();
  }
}
