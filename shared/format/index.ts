/** Formatting for the window and the CLI: numbers, durations, headers and column kinds. */
export * from './numbers';
export * from './cells';
export * from './columns';
export * from './text';
