/** An error where it happened, in the engine's words, with the detail that helps act on it. */
export function ErrorNote({
  error,
  title,
  preformatted = false,
}: {
  error: unknown;
  title?: string;
  /** Keep the message's lines and spacing (DuckDB points at the error with a caret). */
  preformatted?: boolean;
}) {
  if (error === null || error === undefined) return null;
  const e = error as { message?: string; code?: string; detail?: unknown };
  const detail =
    e.detail === undefined || e.detail === null
      ? null
      : typeof e.detail === 'string'
        ? e.detail
        : JSON.stringify(e.detail, null, 2);
  return (
    <div className="error-note" role="alert">
      <strong>{title ?? 'Something went wrong'}</strong>
      {preformatted ? (
        <pre className="error-message">{e.message ?? String(error)}</pre>
      ) : (
        <p>{e.message ?? String(error)}</p>
      )}
      {detail !== null && detail !== '{}' && (
        <details>
          <summary>Details{e.code !== undefined ? ` (${e.code})` : ''}</summary>
          <pre>{detail}</pre>
        </details>
      )}
    </div>
  );
}
