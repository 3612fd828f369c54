/**
 * Names, codes and messages arrive from Log Analytics, ARM and export files as anyone wrote them. Before such
 * a string reaches a reader it goes through `visible`: every character that is invisible or that steers a
 * terminal or the text direction is shown as an escape (`\x1b`, `\u202e`, `\u{e0041}`), so that no name can
 * colour, move, hide or reorder what is printed around it, or pass for another name.
 *
 * Shown as escapes: control characters (C0 with tab, newline and ESC; DEL; C1 with CSI and OSC), format
 * characters (bidi embeddings, overrides and isolates, zero-width space/joiners, word joiner, BOM, soft hyphen,
 * tag characters), line and paragraph separators, and lone surrogates.
 */

const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

function escapeOf(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, "0")}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, "0")}`;
  return `\\u{${cp.toString(16)}}`;
}

/** The string with every hidden or steering character shown as an escape; other text unchanged. */
export function visible(text: string): string {
  return text.replace(HIDDEN, escapeOf);
}

/** Lines for a terminal: each shown with `visible`, then joined with newlines (a name cannot add a line). */
export function visibleLines(lines: readonly string[]): string {
  return lines.map(visible).join("\n");
}
