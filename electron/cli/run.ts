import { runCli } from './index';

// The process exits when stdout drains; pending DuckDB handles are closed by each command.
process.exitCode = await runCli(process.argv.slice(2));
