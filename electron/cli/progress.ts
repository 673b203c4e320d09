import { WriteStream } from 'node:tty';
import { SingleBar } from 'cli-progress';
import type { ProgressEvent } from '../../shared/api/contract';
import type { CliStream } from './io';
import { formatBytes } from './output';

/**
 * A terminal progress bar on stderr (stdout stays clean for --json / --format csv); silent when
 * stderr is not a terminal, so logs and pipes get no control characters.
 */
export function progressBar(
  enabled: boolean,
  stream: CliStream = process.stderr,
): {
  update: (event: ProgressEvent) => void;
  stop: () => void;
} {
  if (!enabled || !(stream instanceof WriteStream) || !stream.isTTY)
    return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    stream,
    format: ' {bar} {percentage}% | {phase} {volume} | {duration_formatted}',
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 20,
  });
  let started = false;
  return {
    update(event) {
      const volume =
        event.totalBytes !== undefined && event.bytes !== undefined
          ? `(${formatBytes(event.bytes)} of ${formatBytes(event.totalBytes)})`
          : '';
      const value = Math.round((event.fraction ?? 0) * 1000);
      if (!started) {
        bar.start(1000, value, { phase: event.phase, volume });
        started = true;
      } else {
        bar.update(value, { phase: event.phase, volume });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
