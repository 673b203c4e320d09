import type { CallOptions, MethodName, ProgressEvent, Reply } from '../../shared/api/contract';

/**
 * The engine in a process of its own (Electron's utility process; a Node child in tests), so
 * that DuckDB's work and the engine's JavaScript never hold the main process, which serves the
 * window, the menu and IPC. The main process keeps a thin client with Engine.call's signature;
 * replies, errors and progress cross as data (structured clone: Arrow bytes stay bytes).
 */
export type ToEngine =
  | { type: 'call'; id: number; method: string; request: unknown; jobId?: string }
  | { type: 'cancel'; id: number };

export type FromEngine =
  | { type: 'ready' }
  | { type: 'reply'; id: number; reply: Reply<MethodName> }
  | { type: 'progress'; id: number; event: ProgressEvent };

/** A running engine process as the client sees it: messages both ways, its end, its kill. */
export interface EngineChannel {
  post(message: ToEngine): void;
  onMessage(listener: (message: FromEngine) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

interface Pending {
  method: string;
  resolve: (reply: Reply<MethodName>) => void;
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * Engine.call across a process boundary. The process starts on the first call; if it ends
 * while calls are running, each is answered with an error that says so, and the next call
 * starts a fresh one (whose workspace must be opened again: the page is told to reload).
 */
export class EngineProcess {
  private channel: EngineChannel | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;

  constructor(
    private readonly spawn: () => EngineChannel,
    private readonly onCrash: (message: string) => void = () => undefined,
  ) {}

  call<M extends MethodName>(
    method: M,
    request: unknown,
    options: CallOptions = {},
  ): Promise<Reply<M>> {
    if (this.disposed) {
      return Promise.resolve({
        ok: false,
        error: { code: 'INTERNAL', message: 'The workbench is quitting.' },
      });
    }
    const channel = this.start();
    const id = this.nextId++;
    return new Promise<Reply<M>>((resolve) => {
      this.pending.set(id, {
        method,
        resolve: resolve as (reply: Reply<MethodName>) => void,
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      });
      const onAbort = (): void => channel.post({ type: 'cancel', id });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      channel.post({
        type: 'call',
        id,
        method,
        request,
        ...(options.jobId === undefined ? {} : { jobId: options.jobId }),
      });
    });
  }

  /** Ends the engine process (its workspace is closed as the process exits). */
  dispose(): void {
    this.disposed = true;
    this.channel?.kill();
    this.channel = undefined;
  }

  private start(): EngineChannel {
    if (this.channel !== undefined) return this.channel;
    const channel = this.spawn();
    this.channel = channel;
    channel.onMessage((m) => {
      if (m.type === 'ready') return;
      const pending = this.pending.get(m.id);
      if (pending === undefined) return;
      if (m.type === 'progress') {
        pending.onProgress?.(m.event);
        return;
      }
      this.pending.delete(m.id);
      pending.resolve(m.reply);
    });
    channel.onExit((code) => {
      if (this.channel === channel) this.channel = undefined;
      if (this.disposed) return;
      const message = `The engine process stopped unexpectedly (exit ${String(code)}); the next call starts a fresh one.`;
      for (const [id, pending] of this.pending) {
        this.pending.delete(id);
        pending.resolve({
          ok: false,
          error: { code: 'INTERNAL', message: `${message} It was running ${pending.method}.` },
        });
      }
      this.onCrash(message);
    });
    return channel;
  }
}
