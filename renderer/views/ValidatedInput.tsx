// A text field for a size or a count: checked on every keystroke with the domain's own rule,
// the error shown next to it; applied on Enter or when the field loses focus, and only when
// valid. An invalid entry stays in the field with its error: it is never dropped in silence.

import { useId, useState } from "react";

interface Props {
  value: string;
  /** accessible name of the field */
  label: string;
  /** the error for this text, or undefined when it is valid (a rule from shared/) */
  check(text: string): string | undefined;
  /** apply a valid text; may still refuse with an error */
  apply(text: string): string | undefined;
  className?: string;
  placeholder?: string;
  /** applies on every valid keystroke instead of on Enter/blur (fields that do not make undo steps) */
  live?: boolean;
}

export function ValidatedInput({ value, label, check, apply, className, placeholder, live }: Props) {
  const [text, setText] = useState(value);
  const [error, setError] = useState<string | undefined>();
  const id = useId();
  // an edit elsewhere (undo, a drag, an import) shows its value here, in the same render
  // (React's "storing information from previous renders", not an effect's second render)
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value);
    setError(undefined);
  }
  const commit = () => {
    const e = check(text);
    if (e) return setError(e);
    if (text.trim() !== value) setError(apply(text.trim()));
  };
  return (
    <span className="field">
      <input
        className={className}
        value={text}
        aria-label={label}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? id : undefined}
        placeholder={placeholder}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          const err = check(t);
          setError(err);
          if (live && !err) apply(t.trim());
        }}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            commit();
          }
          if (e.key === "Escape") {
            setText(value);
            setError(undefined);
          }
        }}
      />
      {error ? (
        <span className="field-error" id={id} role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
