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

interface Entry {
  job: Job;
  /** Shown in the tray: calls that end before `showAfterMs` never flash in it. */
  visible: boolean;
  controller: AbortController;
}

/**
 * Long calls the window is running (imports, queries, analyses): each gets a job id the engine
 * reports progress under, and an AbortSignal the transport turns into `job.cancel`. The job tray
 * renders this store; quick calls stay out of it, finished ones leave it after a moment.
 */
export class JobStore {
  private entries: Entry[] = [];
  private visibleJobs: Job[] = [];
  private readonly listeners = new Set<Listener>();
  private counter = 0;
  private readonly showAfterMs: number;
  private readonly keepMs: number;

  constructor(options: { showAfterMs?: number; keepMs?: number } = {}) {
    this.showAfterMs = options.showAfterMs ?? 400;
    this.keepMs = options.keepMs ?? 3_000;
  }

  /** The jobs the tray shows (a stable array between changes, for useSyncExternalStore). */
  snapshot = (): Job[] => this.visibleJobs;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Runs `call` as a job; its promise settles like the call's. */
  async run<T>(label: string, call: (options: CallOptions) => Promise<T>): Promise<T> {
    const id = `ui-${Date.now().toString(36)}-${++this.counter}`;
    const controller = new AbortController();
    const entry: Entry = {
      job: { id, label, phase: 'starting', fraction: null, state: 'running' },
      visible: this.showAfterMs <= 0,
      controller,
    };
    this.entries = [...this.entries, entry];
    if (!entry.visible) {
      setTimeout(() => {
        if (entry.job.state !== 'running' || !this.entries.includes(entry)) return;
        entry.visible = true;
        this.changed();
      }, this.showAfterMs);
    }
    this.changed();
    try {
      const value = await call({ jobId: id, signal: controller.signal, onProgress: this.progress });
      this.finish(entry, 'done');
      return value;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const cancelled =
        controller.signal.aborted || (error as { code?: string }).code === 'CANCELLED';
      this.finish(entry, cancelled ? 'cancelled' : 'failed', message);
      throw error;
    }
  }

  /** Progress of any job (the transport also routes it per call); unknown ids are ignored. */
  progress = (event: ProgressEvent): void => {
    const entry = this.entries.find((e) => e.job.id === event.jobId);
    if (entry === undefined || entry.job.state !== 'running') return;
    entry.job = { ...entry.job, phase: event.phase, fraction: event.fraction };
    this.changed();
  };

  /** Asks the engine to stop the job (the call then fails with CANCELLED). */
  cancel(id: string): void {
    const entry = this.entries.find((e) => e.job.id === id);
    if (entry === undefined || entry.job.state !== 'running') return;
    entry.job = { ...entry.job, phase: 'cancelling…' };
    entry.controller.abort();
    this.changed();
  }

  isRunning(id: string): boolean {
    return this.entries.some((e) => e.job.id === id && e.job.state === 'running');
  }

  private finish(entry: Entry, state: Job['state'], message?: string): void {
    entry.job = {
      ...entry.job,
      state,
      fraction: state === 'done' ? 1 : entry.job.fraction,
      ...(message === undefined ? {} : { message }),
    };
    if (!entry.visible) {
      this.entries = this.entries.filter((e) => e !== entry);
    } else {
      // Finished work stays in the tray briefly; a failure's message is shown where it happened.
      setTimeout(() => {
        this.entries = this.entries.filter((e) => e !== entry);
        this.changed();
      }, this.keepMs);
    }
    this.changed();
  }

  private changed(): void {
    this.visibleJobs = this.entries.filter((e) => e.visible).map((e) => e.job);
    for (const listener of this.listeners) listener();
  }
}
