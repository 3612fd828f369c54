/**
 * Makes the HTML digest e-mail-safe. Mail clients keep little of a web page: Gmail drops `<style>` for many
 * accounts, class names and inline SVG; Outlook on Windows (Word's renderer) ignores grid, flex, box-shadow
 * and SVG. So the e-mail copy has
 *
 * - every style rule of the page's `<style>` written onto the elements it matches (`style="..."`), then the
 *   `<style>` element removed (rules in `@media` blocks, `*` and selectors other than tag/class descendants
 *   are left out: clients would drop them);
 * - no property that Gmail or Outlook drops or misreads (grid, flex, gap, box-shadow, position, ...);
 * - each inline SVG chart replaced by the chart the caller draws with table cells, which every client shows;
 * - the body's style repeated on a wrapping `<div>` (Gmail replaces `<body>`);
 * - no `<script>`, no external resource.
 */

interface Rule {
  /** Descendant chain: each step a tag (or null) and classes. */
  steps: { tag: string | null; classes: string[] }[];
  declarations: [string, string][];
  specificity: number;
  order: number;
}

interface Open {
  tag: string;
  classes: string[];
}

const VOID = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "wbr",
]);

/** Properties mail clients drop or misread: left out of the e-mail. */
const DROPPED =
  /^(display|grid.*|gap|box-shadow|position|inset|top|left|right|bottom|z-index|transform|transition|animation.*|filter)$/;

function parseSelector(selector: string): Rule["steps"] | null {
  const s = selector.trim();
  if (s === "" || /[^A-Za-z0-9_\-.\s]/.test(s)) return null;
  const steps: Rule["steps"] = [];
  for (const part of s.split(/\s+/)) {
    const m = /^([a-z][a-z0-9]*)?((?:\.[A-Za-z0-9_-]+)*)$/i.exec(part);
    if (!m || (m[1] === undefined && (m[2] ?? "") === "")) return null;
    steps.push({
      tag: m[1]?.toLowerCase() ?? null,
      classes: (m[2] ?? "").split(".").filter((c) => c !== ""),
    });
  }
  return steps;
}

function parseDeclarations(block: string): [string, string][] {
  const out: [string, string][] = [];
  for (const d of block.split(";")) {
    const colon = d.indexOf(":");
    if (colon <= 0) continue;
    const name = d.slice(0, colon).trim().toLowerCase();
    const value = d.slice(colon + 1).trim();
    if (name !== "" && value !== "" && !DROPPED.test(name)) out.push([name, value]);
  }
  return out;
}

/** The plain rules of a style sheet (no @-blocks), in source order. */
export function parseRules(css: string): Rule[] {
  const rules: Rule[] = [];
  // @media and other @-blocks hold nested braces: cut them out whole.
  let text = css;
  for (let at = text.indexOf("@"); at >= 0; at = text.indexOf("@")) {
    let depth = 0;
    let end = text.indexOf("{", at);
    if (end < 0) break;
    for (let i = end; i < text.length; i++) {
      if (text[i] === "{") depth++;
      else if (text[i] === "}" && --depth === 0) {
        end = i + 1;
        break;
      }
    }
    text = text.slice(0, at) + text.slice(end);
  }
  for (const m of text.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const declarations = parseDeclarations(m[2] ?? "");
    if (declarations.length === 0) continue;
    for (const selector of (m[1] ?? "").split(",")) {
      const steps = parseSelector(selector);
      if (!steps) continue;
      const specificity = steps.reduce((n, s) => n + s.classes.length * 10 + (s.tag ? 1 : 0), 0);
      rules.push({ steps, declarations, specificity, order: rules.length });
    }
  }
  return rules;
}

function stepMatches(step: Rule["steps"][number], el: Open): boolean {
  return (step.tag === null || step.tag === el.tag) && step.classes.every((c) => el.classes.includes(c));
}

/** True when `rule` matches `el` whose ancestors are `stack` (outermost first). */
function matches(rule: Rule, el: Open, stack: readonly Open[]): boolean {
  const last = rule.steps[rule.steps.length - 1];
  if (!last || !stepMatches(last, el)) return false;
  let i = stack.length - 1;
  for (let s = rule.steps.length - 2; s >= 0; s--) {
    const step = rule.steps[s];
    if (!step) return false;
    while (i >= 0 && !stepMatches(step, stack[i] as Open)) i--;
    if (i < 0) return false;
    i--;
  }
  return true;
}

function attribute(attrs: string, name: string): string | null {
  const m = new RegExp(`\\s${name}="([^"]*)"`, "i").exec(attrs);
  return m ? (m[1] ?? "") : null;
}

/** Writes the rules that match each element into its style attribute; its own style wins. */
export function inlineStyles(html: string, rules: readonly Rule[]): string {
  const stack: Open[] = [];
  return html.replace(
    /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"]|"[^"]*")*)>/g,
    (tag, close: string, name: string, attrs: string) => {
      const lower = name.toLowerCase();
      if (close) {
        const at = stack.map((o) => o.tag).lastIndexOf(lower);
        if (at >= 0) stack.length = at;
        return tag;
      }
      const el: Open = {
        tag: lower,
        classes: (attribute(attrs, "class") ?? "").split(/\s+/).filter((c) => c !== ""),
      };
      const applied = rules
        .filter((r) => matches(r, el, stack))
        .sort((a, b) => a.specificity - b.specificity || a.order - b.order);
      if (!VOID.has(lower) && !attrs.trimEnd().endsWith("/")) stack.push(el);
      if (applied.length === 0) return tag;
      const props = new Map<string, string>();
      for (const r of applied) for (const [k, v] of r.declarations) props.set(k, v);
      const own = attribute(attrs, "style");
      if (own !== null) for (const [k, v] of parseDeclarations(own)) props.set(k, v);
      // Inside style="...": double quotes (font names) become single ones.
      const style = [...props].map(([k, v]) => `${k}:${v.replace(/"/g, "'")}`).join(";");
      const rest = attrs.replace(/\sstyle="[^"]*"/i, "");
      const selfClose = rest.trimEnd().endsWith("/");
      const body = selfClose ? rest.trimEnd().slice(0, -1) : rest;
      return `<${name}${body} style="${style}"${selfClose ? " /" : ""}>`;
    },
  );
}

/**
 * The e-mail copy of an HTML page: styles inlined, `<style>` and `<script>` removed, and the i-th inline
 * `<svg>` replaced by `charts[i]` (dropped when there is none).
 */
export function emailSafeHtml(page: string, charts: readonly string[]): string {
  const css = [...page.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1] ?? "").join("\n");
  let svgIndex = 0;
  const html = page
    .replace(/<style[^>]*>[\s\S]*?<\/style>/gi, "")
    .replace(/<script[\s\S]*?<\/script>/gi, "")
    .replace(/<svg[\s\S]*?<\/svg>/gi, () => charts[svgIndex++] ?? "");
  const inlined = inlineStyles(html, parseRules(css));
  // Gmail replaces <body>: its look goes onto a wrapper as well.
  return inlined.replace(
    /<body( style="([^"]*)")?>([\s\S]*)<\/body>/i,
    (_m, _a, style: string | undefined, inner: string) =>
      style ? `<body style="${style}"><div style="${style}">${inner}</div></body>` : `<body>${inner}</body>`,
  );
}
