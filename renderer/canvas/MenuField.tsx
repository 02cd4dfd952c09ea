// A menu item that takes a value (a name, a size, a count): the item's button becomes a field in
// the menu, Enter applies it (the menu closes when it is applied, a refusal is said under the
// field and the field stays), Escape closes the menu as on any item.

import { useEffect, useRef, useState } from "react";

export interface MenuFieldSpec {
  /** what the field is, for its label and screen readers: "memory size" */
  label: string;
  /** the value it starts with */
  value: string;
  /** apply the text; an error when it is refused */
  apply(text: string): string | undefined;
}

export function MenuField({ field, onDone }: { field: MenuFieldSpec; onDone(): void }) {
  const [text, setText] = useState(field.value);
  const [error, setError] = useState<string | undefined>();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  return (
    <form
      className="menu-field"
      onSubmit={(e) => {
        e.preventDefault();
        const why = field.apply(text);
        if (why) setError(why);
        else onDone();
      }}
    >
      <label>
        {field.label}
        <input ref={input} value={text} aria-label={field.label} aria-invalid={error ? true : undefined} onChange={(e) => (setText(e.target.value), setError(undefined))} />
      </label>
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </form>
  );
}
