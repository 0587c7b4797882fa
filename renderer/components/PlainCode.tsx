import { useMemo } from 'react';

/** Enough lines to fill the tallest pane; the rest waits for the editor. */
const SHOWN_LINES = 300;
/** A minified line can be megabytes; its start fills the pane's width many times over. */
const SHOWN_CHARS = 4000;

/**
 * A pane's text before Monaco's editors are in (renderer/monaco/loader.ts): its first lines in
 * the editor's type, colours and line height, so the entry can be read while Monaco, most of the
 * app's script, is still compiling. The editor takes the pane over as soon as it is ready.
 */
export function PlainCode({ text, lineNumbers, fontSize, lineHeight }: { text: string; lineNumbers: boolean; fontSize: number; lineHeight: number }) {
  const lines = useMemo(() => firstLines(text, SHOWN_LINES), [text]);
  return (
    <div className={`plain-code mono ${lineNumbers ? 'with-numbers' : ''}`} data-testid="plain-code" style={{ fontSize, lineHeight: `${lineHeight}px` }}>
      {lines.map((line, i) => (
        <div className="plain-line" key={i}>
          {lineNumbers && <span className="plain-n">{i + 1}</span>}
          <span className="plain-text">{line.slice(0, SHOWN_CHARS) || ' '}</span>
        </div>
      ))}
    </div>
  );
}

/** The first `n` lines of a text, found without splitting all of it (a trace can be megabytes). */
export function firstLines(text: string, n: number): string[] {
  const out: string[] = [];
  let from = 0;
  while (out.length < n) {
    const end = text.indexOf('\n', from);
    if (end === -1) {
      out.push(text.slice(from));
      break;
    }
    out.push(text.slice(from, end));
    from = end + 1;
  }
  return out;
}
