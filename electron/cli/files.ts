import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import type { CliIo } from './io';

/** A JSON spec file, or a clear error naming the file. */
export async function readSpec(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new ApiError('FILE_NOT_FOUND', `Spec file ${path.resolve(file)} not found.`, { file });
  });
  return parseJson(text, file);
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('INVALID_REQUEST', `${what} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Text to the terminal, or to a file (said on stderr). */
export async function emit(io: CliIo, text: string, out: string | undefined): Promise<void> {
  if (out === undefined) io.stdout.write(text);
  else {
    await writeFile(out, text);
    io.stderr.write(`Wrote ${path.resolve(out)}\n`);
  }
}
