import { useState, type ReactNode } from 'react';

/** A saved item's name edited in place: Enter renames, Escape (or the same name) keeps it. */
export function RenameForm({
  name,
  busy,
  onRename,
  onDone,
}: {
  name: string;
  busy: boolean;
  onRename: (next: string) => void;
  onDone: () => void;
}) {
  const [value, setValue] = useState(name);
  return (
    <form
      className="row"
      onSubmit={(e) => {
        e.preventDefault();
        const next = value.trim();
        if (next === '' || next === name) onDone();
        else onRename(next);
      }}
    >
      <input
        aria-label={`New name for ${name}`}
        value={value}
        autoFocus
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onDone();
        }}
      />
      <button type="submit" className="small" disabled={busy}>
        Rename
      </button>
    </form>
  );
}

/**
 * A saved item's actions: Rename, whatever the list adds (Duplicate), and Delete, which asks
 * in the row rather than in a browser dialog.
 */
export function RowActions({
  name,
  busy,
  renameDisabled = false,
  onRename,
  onDelete,
  children,
}: {
  name: string;
  busy: boolean;
  renameDisabled?: boolean;
  onRename: () => void;
  /** Resolves when the delete is over (refused or not): the question closes then. */
  onDelete: () => Promise<void>;
  children?: ReactNode;
}) {
  const [confirming, setConfirming] = useState(false);
  if (confirming)
    return (
      <span className="row">
        <span>Delete?</span>
        <button
          type="button"
          className="small danger"
          disabled={busy}
          onClick={() => void onDelete().finally(() => setConfirming(false))}
        >
          Delete
        </button>
        <button type="button" className="small ghost" onClick={() => setConfirming(false)}>
          Keep
        </button>
      </span>
    );
  return (
    <span className="row">
      <button
        type="button"
        className="small ghost"
        aria-label={`Rename ${name}`}
        disabled={renameDisabled}
        onClick={onRename}
      >
        Rename
      </button>
      {children}
      <button
        type="button"
        className="small ghost"
        aria-label={`Delete ${name}`}
        onClick={() => setConfirming(true)}
      >
        Delete
      </button>
    </span>
  );
}
