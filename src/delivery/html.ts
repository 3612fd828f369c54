/**
 * The digest as one self-contained HTML page: inline CSS, inline SVG charts of the 30-day success and
 * application-consistency rates, no external resource. Laid out to be read in ten seconds, on a phone too.
 */
import { type Comparison, type Digest, type SeriesPoint } from "../domain/digest.js";
import { formatInstant, messagesFor, type Messages } from "../domain/messages/index.js";
import {
  DIRECTION_MARK,
  belowExpected,
  changeText,
  count,
  coverageText,
  moreLine,
  noJobText,
  percent,
  tone,
  msgs,
  localDay,
  partialTagged,
} from "./text.js";
import { visible } from "../domain/visible-text.js";

export interface HtmlOptions {
  /** Rows shown per list before "+N more". Default 50. */
  maxRows?: number;
}

/**
 * Text for HTML: markup characters escaped, and every hidden or direction-steering character (bidi controls,
 * zero-width characters, control characters) shown as an escape, as in the other renderers.
 */
export function escapeHtml(s: string): string {
  return visible(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const e = escapeHtml;

/** Product text that marks commands with backticks (`vssadmin list writers`): escaped, the commands as code. */
export function proseHtml(s: string): string {
  return e(s)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/`/g, "");
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f3f5f8;color:#1b2430;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:16px}
header{border-radius:10px;padding:16px 20px;color:#fff;margin-bottom:16px}
header h1{margin:0;font-size:22px;font-weight:650}
header .status{display:inline-block;margin:8px 0 4px;padding:2px 10px;border-radius:999px;background:rgba(255,255,255,.22);font-weight:700;letter-spacing:.04em}
header p{margin:4px 0 0}
.healthy{background:#1f7a3d}.attention{background:#a86400}.failing{background:#b42318}.no-data{background:#4a5565}
.partial{background:#fff4d6;border:1px solid #e8b100;color:#5c4300;border-radius:8px;padding:10px 14px;margin-bottom:16px;font-weight:600}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:10px;margin-bottom:16px}
.kpi{background:#fff;border-radius:10px;padding:12px 14px;box-shadow:0 1px 2px rgba(16,24,40,.08)}
.kpi .label{font-size:13px;color:#536071}
.kpi .value{font-size:26px;font-weight:700;margin:2px 0}
.kpi .cmp{font-size:12.5px;color:#536071}
.kpi.key{outline:2px solid #b42318}
.action{display:block;color:#3d4a5c;font-size:13px}
.vault{display:block;color:#536071;font-size:12.5px}
.good{color:#1f7a3d}.bad{color:#b42318}.flat{color:#536071}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:10px;margin-bottom:16px}
.chart{background:#fff;border-radius:10px;padding:12px 14px;box-shadow:0 1px 2px rgba(16,24,40,.08)}
.chart h3{margin:0 0 6px;font-size:14px;font-weight:600}
.chart svg{display:block;width:100%;height:auto}
.chart .sub{margin:4px 0 0;color:#536071;font-size:12px}
section{background:#fff;border-radius:10px;padding:12px 14px;margin-bottom:12px;box-shadow:0 1px 2px rgba(16,24,40,.08)}
section h2{margin:0 0 8px;font-size:17px}
section .sub{margin:-4px 0 8px;color:#536071;font-size:13px}
table{width:100%;border-collapse:collapse;table-layout:fixed}
th,td{text-align:left;padding:6px 8px;border-top:1px solid #e6e9ee;vertical-align:top;overflow-wrap:anywhere;word-break:break-word;font-size:14px}
th{border-top:none;color:#536071;font-weight:600;font-size:12.5px;text-transform:uppercase;letter-spacing:.03em}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.more{color:#536071;font-style:italic;margin:6px 0 0}
footer{color:#536071;font-size:13px;padding:4px 2px 24px}
a{color:#0b5cad}
@media (max-width:520px){main{padding:10px}header h1{font-size:19px}.kpi .value{font-size:22px}th,td{padding:5px 4px;font-size:13px}th{font-size:11.5px;letter-spacing:0}}
`;

function kpi(m: Messages, label: string, c: Comparison, asRate: boolean, extra = "", key = false): string {
  const f = asRate ? percent : (n: number | null): string => count(n, m);
  return (
    `<div class="kpi${key ? " key" : ""}"><div class="label">${e(label)}</div><div class="value">${e(f(c.value))}</div>` +
    (extra === "" ? "" : `<div class="cmp">${e(extra)}</div>`) +
    `<div class="cmp"><span class="${tone(c, c.vsYesterday)}">${DIRECTION_MARK[c.vsYesterday]}</span> ${e(m.figure.yesterday)} ${e(f(c.yesterday))}</div>` +
    `<div class="cmp"><span class="${tone(c, c.vs7d)}">${DIRECTION_MARK[c.vs7d]}</span> ${e(m.figure.average7d)} ${e(f(c.average7d))}</div></div>`
  );
}

/**
 * An inline SVG line chart of a rate (0–1) from the first day with data to the digest's day; a day without
 * data inside that span is a gap in the line with a grey mark on the axis.
 */
export function rateChart(
  all: readonly SeriesPoint[],
  pick: (p: SeriesPoint) => number | null,
  title: string,
  color: string,
  m: Messages = messagesFor("en"),
): string {
  const W = 300;
  const H = 90;
  const left = 30;
  const right = 6;
  const top = 8;
  const bottom = 16;
  const start = all.findIndex((p) => pick(p) !== null);
  const series = start > 0 ? all.slice(start) : all;
  const values = series.map(pick);
  const present = values.filter((v): v is number => v !== null);
  const lo = present.length > 0 ? Math.max(0, Math.floor(Math.min(...present) * 10) / 10 - 0.05) : 0;
  const min = Math.min(lo, 0.9);
  const x = (i: number): number =>
    left + (series.length <= 1 ? 0 : (i * (W - left - right)) / (series.length - 1));
  const y = (v: number): number => top + (1 - (v - min) / (1 - min)) * (H - top - bottom);
  const segments: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (current.length > 0) segments.push(current.join(" "));
      current = [];
    } else current.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  if (current.length > 0) segments.push(current.join(" "));
  const lines = segments
    .map((pts) =>
      pts.includes(" ")
        ? `<polyline fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round" points="${pts}"/>`
        : `<circle cx="${pts.split(",")[0]}" cy="${pts.split(",")[1]}" r="2" fill="${color}"/>`,
    )
    .join("");
  const gaps = values
    .map((v, i) =>
      v === null
        ? `<rect class="no-data" x="${(x(i) - 2).toFixed(1)}" y="${(H - bottom - 4).toFixed(1)}" width="4" height="4" fill="#9aa5b1"/>`
        : "",
    )
    .join("");
  const missing = values.filter((v) => v === null).length;
  const lastIndex = values.length - 1;
  const last = values[lastIndex] ?? null;
  const dot =
    last !== null
      ? `<circle cx="${x(lastIndex).toFixed(1)}" cy="${y(last).toFixed(1)}" r="3.5" fill="${color}"/>`
      : "";
  const grid = [1, (1 + min) / 2, min]
    .map(
      (v) =>
        `<line x1="${left}" x2="${W - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e6e9ee"/>` +
        `<text x="${left - 4}" y="${(y(v) + 3.5).toFixed(1)}" font-size="9" text-anchor="end" fill="#536071">${Math.round(v * 100)}%</text>`,
    )
    .join("");
  const first = series[0]?.date ?? "";
  const end = series[lastIndex]?.date ?? "";
  const axis =
    `<text x="${left}" y="${H - 3}" font-size="9" fill="#536071">${e(first.slice(5))}</text>` +
    `<text x="${W - right}" y="${H - 3}" font-size="9" text-anchor="end" fill="#536071">${e(end.slice(5))}</text>`;
  return (
    `<div class="chart"><h3>${e(title)}: ${e(percent(last))}</h3>` +
    `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${e(m.chart.over(title, String(series.length)))}" xmlns="http://www.w3.org/2000/svg">` +
    `${grid}${lines}${gaps}${dot}${axis}</svg>` +
    (missing > 0 ? `<p class="sub">■ ${e(m.chart.daysWithoutData(count(missing, m)))}</p>` : "") +
    `</div>`
  );
}

function tableHtml(
  m: Messages,
  headers: string[],
  rows: string[][],
  total: number,
  widths: number[],
): string {
  const cols = `<colgroup>${widths.map((w) => `<col style="width:${w}%">`).join("")}</colgroup>`;
  const head = `${cols}<tr>${headers.map((h) => `<th>${e(h)}</th>`).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  const more = total > rows.length ? `<p class="more">${e(moreLine(total - rows.length, m))}</p>` : "";
  return `<table>${head}${body}</table>${more}`;
}

/** A VM's name with its vault below it. */
function vmCell(v: { vmLabel: string; vaultLabel: string }): string {
  return `<code>${e(v.vmLabel)}</code><span class="vault">${e(v.vaultLabel)}</span>`;
}

const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The digest as a complete HTML document. */
export function htmlDigest(d: Digest, options: HtmlOptions = {}): string {
  const max = options.maxRows ?? 50;
  const m = msgs(d);
  const n = (x: number): string => count(x, m);
  const day = m.day(d.date);
  const h = d.headline;
  const parts: string[] = [];
  parts.push(
    `<header class="${h.status}"><h1>${e(m.product)} · <span style="white-space:nowrap">${e(day)}</span></h1>` +
      `<div class="status" data-status="${h.status}">${e(m.status[h.status])}</div>` +
      `<p>${e(h.statusReason)}</p></header>`,
  );
  if (partialTagged(h)) {
    parts.push(`<div class="partial">${e(m.partialBanner)}</div>`);
  }
  const F = m.figure;
  if (h.status !== "no-data") {
    const c = h.counts;
    parts.push(
      `<div class="kpis">${kpi(m, F.degraded, h.degraded, false, F.degradedSub, c.degraded > 0)}` +
        `${kpi(m, F.succeeded, h.successRate, true)}${kpi(m, F.application, h.application, true)}` +
        `${kpi(m, F.fileSystem, h.fileSystem, true, belowExpected(c.fileSystemBelowExpected, m))}` +
        `${kpi(m, F.crash, h.crash, true, belowExpected(c.crashBelowExpected, m))}` +
        `${kpi(m, F.none, h.none, true)}${kpi(m, F.jobs, h.jobs, false)}</div>`,
    );
  }
  parts.push(
    `<div class="charts">${rateChart(d.series, (p) => p.successRate, m.chart.successRate, "#1f7a3d", m)}` +
      `${rateChart(d.series, (p) => p.applicationRate, m.chart.applicationRate, "#0b5cad", m)}</div>`,
  );

  const changes = [...d.changes.newFailures, ...d.changes.downgrades, ...d.changes.recoveries];
  const H = m.heading;
  const col = m.column;
  parts.push(
    `<section><h2>${e(H.changed)}</h2><p class="sub">${e(H.changedSub(n(d.changes.newFailures.length), n(d.changes.downgrades.length), n(d.changes.recoveries.length)))}</p>` +
      (changes.length === 0
        ? `<p>${e(H.nothingChanged)}</p>`
        : tableHtml(
            m,
            [col.vm, col.change, col.whatToDo],
            changes
              .slice(0, max)
              .map((c) => [
                vmCell(c),
                `<strong>${e(m.change.kind[c.kind])}</strong>: ${e(changeText(c, m))}`,
                c.action ? proseHtml(c.action) : "",
              ]),
            changes.length,
            [30, 34, 36],
          )) +
      `</section>`,
  );

  const p = d.persisting;
  const persisting: string[][] = [
    ...p.failing.map((s) => [vmCell(s), e(upperFirst(m.persist.failingDays(s.days))), proseHtml(s.action)]),
    ...p.belowExpected.map((s) => [
      vmCell(s),
      e(
        upperFirst(
          m.persist.belowDays(s.expectedConsistency ? m.consistency[s.expectedConsistency] : null, s.days),
        ),
      ),
      proseHtml(s.action),
    ]),
    ...p.noJobToday.map((x) => [
      vmCell(x),
      e(upperFirst(noJobText(d.date, m))),
      x.lastJobAt ? e(upperFirst(m.persist.lastJob(localDay(x.lastJobAt, d)))) : "",
    ]),
  ];
  parts.push(
    `<section><h2>${e(H.persists)}</h2><p class="sub">${e(H.persistsSub(n(p.failing.length), n(p.belowExpected.length), n(p.noJobToday.length), day))}</p>` +
      (persisting.length === 0
        ? `<p>${e(H.nothingOutstanding)}</p>`
        : tableHtml(
            m,
            [col.vm, col.problem, col.whatToDo],
            persisting.slice(0, max),
            persisting.length,
            [30, 34, 36],
          )) +
      `</section>`,
  );

  if (d.topCodes.length > 0) {
    parts.push(
      `<section><h2>${e(H.topCodes)}</h2>` +
        tableHtml(
          m,
          [col.code, col.jobs, col.vms, col.whatToDo],
          d.topCodes
            .slice(0, Math.min(max, 15))
            .map((c) => [
              `<code>${e(c.code)}</code><br><span class="flat">${e(m.category[c.category])}</span>`,
              n(c.jobs),
              n(c.vms),
              `${proseHtml(c.action)} <a href="${e(c.docUrl)}">${e(m.docs)}</a>`,
            ]),
          d.topCodes.length,
          [34, 9, 9, 48],
        ) +
        `</section>`,
    );
  }

  const c = d.coverage;
  const coverageItems = [e(coverageText(d))];
  if (c.workspacesFailed.length > 0) {
    coverageItems.push(
      `${e(m.coverage.failedList)}: ${c.workspacesFailed.map((w) => `<code>${e(w.workspaceId)}</code> (${e(w.reason)})`).join(", ")}`,
    );
  }
  if (c.vaultsSilent.length > 0) {
    coverageItems.push(
      `${e(m.coverage.silentList)}: ${c.vaultsSilent
        .slice(0, max)
        .map((v) => `<code>${e(v)}</code>`)
        .join(", ")}`,
    );
  }
  parts.push(
    `<section><h2>${e(H.coverage)}</h2><ul>${coverageItems.map((i) => `<li>${i}</li>`).join("")}</ul></section>`,
  );
  parts.push(
    `<footer>${d.notes.map((n) => `<p>${proseHtml(n)}</p>`).join("")}<p>${e(m.footer.rates)} ` +
      `<a href="${e(m.troubleshootUrl)}">${e(m.footer.troubleshooting)}</a> · <a href="${e(m.consistencyUrl)}">${e(m.footer.aboutConsistency)}</a> · ${e(m.footer.generated(formatInstant(d.generatedAt, m, d.timeZone)))}</p></footer>`,
  );

  return (
    `<!doctype html><html lang="${m.locale}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${e(m.product)} ${e(day)}: ${e(m.status[h.status])}</title><style>${CSS}</style></head>` +
    `<body><main>${parts.join("")}</main></body></html>`
  );
}
