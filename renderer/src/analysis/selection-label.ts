// Each kind's definition words its selections (shared/specs/<kind>.ts, selectionLabel).
export { selectionLabel } from '../../../shared/specs/analyses';
