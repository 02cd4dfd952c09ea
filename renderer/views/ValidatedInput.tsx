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
  /** what an empty field means, as a word ("auto", "default"): shown muted and italic so it never reads as a typed value */
  placeholder?: string;
  /** the field's tooltip (what QEMU does when it is empty) */
  title?: string;
  /** applies on every valid keystroke instead of on Enter/blur (fields that do not make undo steps) */
  live?: boolean;
}

export function ValidatedInput({ value, label, check, apply, className, placeholder, title, live }: Props) {
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
    // leaving a field as it was is not an edit (an empty -m stays QEMU's default, without an error)
    if (text.trim() === value) return setError(undefined);
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
        // the field shows what is applied: Ctrl-Z here is the app's undo (App.tsx), not the browser's
        // undo of this field's typing, which would bring back an old text and apply it on blur (live fields make no undo steps: theirs stays the browser's)
        data-applied={!live && text === value ? "" : undefined}
        placeholder={placeholder}
        title={title}
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
