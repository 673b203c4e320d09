import { main } from './index';

// The process exits when stdout drains; pending DuckDB handles are closed by each command.
process.exitCode = await main(process.argv);
