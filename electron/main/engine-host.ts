import { Engine } from '../engine/engine';
import type { FromEngine, ToEngine } from './engine-process';
import { serveEngine, type EnginePort } from './engine-serve';

/**
 * The entry of the engine's process: Electron's utility process (utilityProcess.fork from
 * index.ts, bundled as engine-host beside the main build), or a Node child process (its IPC
 * channel; the tests). It imports nothing of Electron: a utility process is plain Node with a
 * port to its parent.
 */
interface ParentPort {
  on(event: 'message', listener: (event: { data: ToEngine }) => void): void;
  postMessage(message: FromEngine): void;
}

function parentPort(): EnginePort {
  const electronPort = (process as { parentPort?: ParentPort }).parentPort;
  if (electronPort !== undefined) {
    return {
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data)),
      post: (message) => electronPort.postMessage(message),
    };
  }
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('engine-host runs as a child process with a channel');
  // The parent is gone: so is the reason to run.
  process.once('disconnect', () => process.exit(0));
  return {
    onMessage: (listener) => process.on('message', (message) => listener(message as ToEngine)),
    post: (message) => void send(message),
  };
}

const engine = new Engine();
process.once('exit', () => engine.dispose());
serveEngine(engine, parentPort());
