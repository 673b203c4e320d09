// Each kind's meaning line lives in its definition (shared/specs/<kind>.ts).
export { describeSpec } from './analyses';
export { MEASURES, event, condition, describeRange } from './words';
