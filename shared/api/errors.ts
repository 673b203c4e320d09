/**
 * The one error shape that crosses every transport (IPC, HTTP, CLI). Errors travel as data,
 * never as thrown Error objects, because only plain JSON survives structured cloning and HTTP.
 */
export const ERROR_CODES = [
  'INVALID_REQUEST',
  'UNKNOWN_METHOD',
  'NO_WORKSPACE',
  'WORKSPACE_LOCKED',
  'WORKSPACE_NOT_FOUND',
  'WORKSPACE_INVALID',
  'FILE_NOT_FOUND',
  'UNREADABLE_FILE',
  'EMPTY_FILE',
  'BINARY_FILE',
  'NOT_UTF8',
  'BAD_CSV',
  'BAD_PARQUET',
  'BAD_JSON',
  'BAD_GZIP',
  'BAD_INPUT',
  'DECOMPRESSION_LIMIT',
  'READER_CRASHED',
  'UNSUPPORTED_FORMAT',
  'MIXED_FORMATS',
  'MISSING_COLUMN',
  'BAD_TIMESTAMP',
  'BAD_TIMEZONE',
  'NO_ROWS',
  'DISK_FULL',
  'WEBHOOK_FAILED',
  'CANCELLED',
  'READ_ONLY',
  'SQL_ERROR',
  'UNKNOWN_ANALYSIS',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiErrorShape {
  code: ErrorCode;
  /** One or two sentences an analyst can act on: what went wrong, where, and what to do. */
  message: string;
  /** Machine-readable context: file, line, column names, the underlying engine message. */
  detail?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, detail?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.detail = detail;
  }

  toShape(): ApiErrorShape {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  static fromShape(shape: ApiErrorShape): ApiError {
    return new ApiError(shape.code, shape.message, shape.detail);
  }
}

export function isApiErrorShape(value: unknown): value is ApiErrorShape {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(v.code) &&
    typeof v.message === 'string'
  );
}
