// The last line of defence of the page: a drawing error (a bug, or a state nothing checked) shows
// what happened and how to go on, instead of a blank window. The layout is still in the store and
// in the recovery copy (main.tsx), so the page offers it as text to keep, and a reload.

import { Component, type ReactNode } from "react";

interface Props {
  /** the layout as text, read when the error is shown (undefined if even that fails) */
  layoutText(): string | undefined;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    let text: string | undefined;
    try {
      text = this.props.layoutText();
    } catch {
      text = undefined;
    }
    return (
      <div className="crashed" role="alert">
        <h1>Numadesk could not draw this page</h1>
        <p>
          It stopped at: <code>{error.message.slice(0, 300)}</code>
        </p>
        <p>
          This is a bug, not something you did wrong. Your last layout is kept: reload, and the app offers the recovery copy of unsaved work.
          {text ? " Or copy it from below and save it as a .numadesk.json file." : ""}
        </p>
        <p>
          <button type="button" onClick={() => location.reload()}>
            reload
          </button>
        </p>
        {text ? <textarea aria-label="the layout as text" readOnly value={text} rows={12} /> : null}
      </div>
    );
  }
}
