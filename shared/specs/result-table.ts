// Each kind's table lives in its definition; this is the one entry for CSV, grids and the CLI.
export { resultTable } from './analyses';
