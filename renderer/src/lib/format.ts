/**
 * The window's formatting: one module with the CLI's (shared/format), re-exported here under
 * the names the views import.
 */
export {
  formatCell,
  formatNumber,
  formatRange,
  formatTime,
  formatElapsed as formatSeconds,
} from '../../../shared/format/cells';
export { formatBytes } from '../../../shared/util/format-bytes';
