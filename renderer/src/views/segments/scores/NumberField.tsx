import { useEffect, useState } from 'react';

/**
 * A number typed freely ("-", "0.", an empty box on the way to another number): the text is
 * the input's own, and the spec changes only when it reads as a number (or, when `optional`,
 * when it is emptied: no value). A value changed from outside replaces the text.
 */
export function NumberField({
  label,
  value,
  onChange,
  min,
  max,
  step = 'any',
  optional = false,
  placeholder,
  className = 'narrow-number',
}: {
  label: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  min?: number;
  max?: number;
  step?: number | 'any';
  optional?: boolean;
  placeholder?: string;
  className?: string;
}) {
  const shown = value === undefined ? '' : String(value);
  const [text, setText] = useState(shown);
  useEffect(() => {
    setText((t) => (readNumber(t) === value ? t : shown));
  }, [value, shown]);
  return (
    <input
      type="number"
      aria-label={label}
      className={className}
      step={step}
      min={min}
      max={max}
      placeholder={placeholder}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const n = readNumber(e.target.value);
        if (n === undefined) {
          if (optional) onChange(undefined);
          return;
        }
        // Out of bounds is passed on: the spec's problems then say what the bounds are.
        onChange(n);
      }}
    />
  );
}

function readNumber(text: string): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}
