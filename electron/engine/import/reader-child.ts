/**
 * The reader process (forked by reader.ts): runs one read task at a time and answers with its
 * result or its error as data. It exits when the importing process goes away. Bundled as its
 * own entry (`import-reader`) beside the CLI, the server and the Electron main process.
 */
import { ApiError } from '../../../shared/api/errors';
import { toApiError } from '../errors';
import { runReadTask, type FromReader, type ToReader } from './read-files';

function send(message: FromReader): void {
  process.send?.(message);
}

process.on('message', (message: ToReader) => {
  if (message.type !== 'run') return;
  runReadTask(message.task, {
    onProgress: (p) => send({ type: 'progress', phase: p.phase, fraction: p.fraction }),
  }).then(
    (result) => send({ type: 'done', result }),
    (error: unknown) => {
      const e = error instanceof ApiError ? error : toApiError(error, { in: 'import' });
      send({ type: 'failed', error: e.toShape() });
    },
  );
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
