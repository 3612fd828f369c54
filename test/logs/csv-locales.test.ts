/**
 * The portal's CSV export from other locales: the same rows with en-GB, ja-JP or dotted dates, `;` or tab
 * delimiters read into exactly the jobs of the REST export; a date style that cannot be told or read stops
 * with a message saying what was seen and how to export; an unbalanced quote stops with its line, never
 * shifting values into other columns.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectDateOrder, msFromLocalDate, parseCsvRecords } from "../../src/logs/csv.js";
import { readExportFile } from "../../src/logs/formats-stream.js";
import { InputError, readExport } from "../../src/logs/formats.js";
import { inputProblem as problem } from "./input-problem.js";

const dir = join(import.meta.dirname, "..", "fixtures", "exports");
const fixture = (name: string): string => readFileSync(join(dir, name), "utf8");
const US_CSV = fixture("portal-resource-specific.csv");
const REST_JOBS = readExport(fixture("rest-resource-specific.json")).jobs;

const US_DATE = /(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d{1,2}):(\d{2}):(\d{2})\.(\d{3}) (AM|PM)/g;
const pad = (n: number | string): string => String(n).padStart(2, "0");

/** The US export with its dates rewritten by `style` (day, month, year, 24-hour h, min, s, ms). */
function restyled(
  text: string,
  style: (p: { d: string; m: string; y: string; h: number; mi: string; s: string; ms: string }) => string,
): string {
  return text.replace(
    US_DATE,
    (_all, m: string, d: string, y: string, h12: string, mi: string, s: string, ms: string, ap: string) => {
      let h = Number(h12) % 12;
      if (ap === "PM") h += 12;
      return style({ d, m, y, h, mi, s, ms });
    },
  );
}

/** The records written again with another delimiter, quoting what needs it. */
function withDelimiter(text: string, delimiter: string): string {
  const bom = text.startsWith("\ufeff") ? "\ufeff" : "";
  const quote = (f: string): string => (/["\n\r;,\t]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
  return (
    bom +
    parseCsvRecords(text.replace(/^\ufeff/, ""))
      .records.map((r) => r.map(quote).join(delimiter))
      .join("\r\n") +
    "\r\n"
  );
}

const EN_GB = restyled(US_CSV, (p) => `${pad(p.d)}/${pad(p.m)}/${p.y}, ${pad(p.h)}:${p.mi}:${p.s}.${p.ms}`);
const JA_JP = restyled(US_CSV, (p) => `${p.y}/${pad(p.m)}/${pad(p.d)} ${p.h}:${p.mi}:${p.s}.${p.ms}`);
const DOTTED = restyled(US_CSV, (p) => `${pad(p.d)}.${pad(p.m)}.${p.y} ${pad(p.h)}:${p.mi}:${p.s}`);

describe("portal CSVs from other locales", () => {
  it("the restyled files really differ from the US export", () => {
    expect(EN_GB).toContain('"24/11/2026, 01:30:00.000"');
    expect(JA_JP).toContain('"2026/11/24 1:30:00.000"');
    expect(DOTTED).toContain('"24.11.2026 01:30:00"');
    expect(EN_GB).not.toMatch(US_DATE);
  });

  const cases: [string, string, string | undefined][] = [
    ["en-US, commas", US_CSV, undefined],
    ["en-GB dates", EN_GB, "day/month/year dates"],
    ["ja-JP dates", JA_JP, "year/month/day dates"],
    ["en-GB dates, ';'-separated", withDelimiter(EN_GB, ";"), "day/month/year dates, ';'-separated"],
    ["dotted dates, ';'-separated", withDelimiter(DOTTED, ";"), "day/month/year dates, ';'-separated"],
    ["ja-JP dates, tab-separated", withDelimiter(JA_JP, "\t"), "year/month/day dates, tab-separated"],
    ["en-US, ';'-separated", withDelimiter(US_CSV, ";"), "month/day/year dates, ';'-separated"],
  ];
  for (const [name, text, dialect] of cases) {
    it(`${name}: the same jobs as the REST export, field by field`, () => {
      const read = readExport(text);
      // Dotted dates carry no milliseconds: compare those to the second.
      const expected = name.startsWith("dotted")
        ? REST_JOBS.map((j) => ({ ...j, timeGeneratedMs: Math.floor(j.timeGeneratedMs / 1000) * 1000 }))
        : REST_JOBS;
      expect(read.jobs).toEqual(expected);
      expect(read.dialect).toBe(dialect === undefined || name === "en-US, commas" ? undefined : dialect);
    });
  }

  it("a day of 12 or less everywhere: a 24-hour clock means day first, AM/PM month first", () => {
    expect(detectDateOrder(["05/11/2026, 01:30:00.000", "06/11/2026, 13:00:00.000"])).toBe("dmy");
    expect(detectDateOrder(["05/11/2026, 1:30:00.000 AM"])).toBe("mdy");
    expect(msFromLocalDate("05/11/2026, 01:30:00.000", "dmy")).toBe(Date.parse("2026-11-05T01:30:00.000Z"));
    expect(msFromLocalDate("05/11/2026, 1:30:00.000 PM", "mdy")).toBe(Date.parse("2026-05-11T13:30:00.000Z"));
    expect(msFromLocalDate("31/02/2026, 01:30:00.000", "dmy")).toBeNull();
  });

  it("stops on dates that mix both orders, quoting one of each, and says how to export", () => {
    const mixed = US_CSV.replace('"11/24/2026, 1:30:00.000 AM"', '"24/11/2026, 1:30:00.000 AM"');
    const message = problem(mixed);
    expect(message).toMatch(
      /mix day-first \("24\/11\/2026, 1:30:00.000 AM"\) and month-first \("11\/24\/2026/,
    );
    expect(message).toMatch(/English \(United States\)/);
    expect(message).toMatch(/az monitor log-analytics query -o json/);
  });

  it("stops on a date style it does not read, quoting it", () => {
    const text = restyled(US_CSV, (p) => `${p.y}年${p.m}月${p.d}日 ${p.h}:${p.mi}`);
    const message = problem(text);
    expect(message).toMatch(
      /^The CSV writes its dates as "2026年11月24日 \d+:\d\d", a style backup-pulse does not read: export it again/,
    );
  });
});

describe("quotes and fields that do not balance", () => {
  const lines = US_CSV.split("\n");
  const lineOf = (needle: string, from = 0): number =>
    lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;

  it("a quote left open in the middle of the file: the line where it shows, not a silent shift", () => {
    // Line 5's start date loses its closing quote: what follows would land in other columns.
    const target = lineOf('"11/24/2026, 1:30:00.000 AM",', 4);
    const broken = lines
      .map((l, i) => (i === target - 1 ? l.replace('1:30:00.000 AM",', "1:30:00.000 AM,") : l))
      .join("\n");
    expect(broken).not.toBe(US_CSV);
    expect(problem(broken)).toMatch(
      new RegExp(
        `^The CSV, line \\d+: text after the closing quote of a field opened on line ${target}: a quote is unbalanced`,
      ),
    );
  });

  it("a quote never closed: the line it was opened on", () => {
    const text =
      'JobUniqueId,JobStartDateTime,JobStatus,VaultName\r\nj1,2026-11-24T01:00:00Z,Completed,v\r\nj2,"2026-11-24T01:00:00Z,Completed,v\r\nj3,2026-11-24T01:00:00Z,Completed,v\r\n';
    expect(problem(text)).toBe(
      "The CSV, line 3: a quoted field opened here is never closed: the file looks truncated, or a quote is unbalanced",
    );
  });

  it("a line with a field too many (an unquoted delimiter): its line, and nothing read", () => {
    const target = lineOf(",Completed,Success,", 2);
    const broken = lines
      .map((l, i) => (i === target - 1 ? l.replace(",Completed,Success,", ",Completed,Success,extra,") : l))
      .join("\n");
    expect(problem(broken)).toMatch(
      new RegExp(
        `^The CSV's line ${target} has 19 fields where the header has 18: a quote is unbalanced or a field holds an unquoted ','`,
      ),
    );
  });

  it("multi-line quoted fields keep the line count right", () => {
    const { records, lines: at } = parseCsvRecords('a,b\r\n"x\ny",1\r\nz,2\r\n');
    expect(records).toEqual([
      ["a", "b"],
      ["x\ny", "1"],
      ["z", "2"],
    ]);
    expect(at).toEqual([1, 2, 4]);
  });
});

describe("a CSV file is read part by part, with the same result as its whole text", () => {
  const tmp = mkdtempSync(join(tmpdir(), "pulse-csv-"));
  let n = 0;
  const write = (text: string): string => {
    const path = join(tmp, `f${n++}.csv`);
    writeFileSync(path, text);
    return path;
  };
  /** The read, or the message of the InputError that stopped it. */
  const outcome = async (read: () => unknown): Promise<unknown> => {
    try {
      return await read();
    } catch (error) {
      if (error instanceof InputError) return `InputError: ${error.message}`;
      throw error;
    }
  };
  const lines = US_CSV.split("\n");
  const broken = (from: string, to: string): string => lines.map((l) => l.replace(from, to)).join("\n");
  const files: [string, string][] = [
    ["en-US", US_CSV],
    ["en-GB", EN_GB],
    ["ja-JP, tabs", withDelimiter(JA_JP, "\t")],
    ["dotted, ';'", withDelimiter(DOTTED, ";")],
    ["mixed date orders", US_CSV.replace('"11/24/2026, 1:30:00.000 AM"', '"24/11/2026, 1:30:00.000 AM"')],
    ["an unread date style", restyled(US_CSV, (p) => `${p.y}年${p.m}月${p.d}日 ${p.h}:${p.mi}`)],
    ["a quote left open", broken('1:30:00.000 AM",', "1:30:00.000 AM,")],
    ["a field too many", broken(",Completed,Success,", ",Completed,Success,extra,")],
    [
      "a quote never closed",
      'JobUniqueId,JobStartDateTime,JobStatus\r\nj1,"2026-11-24T01:00:00Z,Completed\r\n',
    ],
    ["the header only", "JobUniqueId,JobStartDateTime,JobStatus\r\n"],
    ["no job columns", "a,b\r\n1,2\r\n"],
    ["one word", "  \n hello"],
  ];
  for (const [name, text] of files) {
    it(`${name}: the same jobs, rejected rows and dialect, or the same message`, async () => {
      const expected = await outcome(() => readExport(text));
      const path = write(text);
      for (const chunkBytes of [16, 33, 97, 4096, 1 << 20]) {
        expect(await outcome(() => readExportFile(path, { chunkBytes }))).toEqual(expected);
      }
    });
  }

  it("any text made of fields, quotes, delimiters and line ends reads alike", async () => {
    const cell = fc.oneof(
      fc.constantFrom(
        "j1",
        "j2",
        "Completed",
        "Failed",
        "11/24/2026, 1:30:00.000 AM",
        "24/11/2026 01:30",
        "",
      ),
      fc.string({ unit: fc.constantFrom("a", '"', ",", ";", "\t", "\r", "\n", " ", "\ufeff", "é") }),
    );
    const quoted = cell.map((c) => `"${c.replace(/"/g, '""')}"`);
    const record = fc.array(fc.oneof(cell, quoted), { minLength: 1, maxLength: 5 });
    const file = fc
      .tuple(
        fc.constantFrom("", "\ufeff", "  \r\n"),
        fc.constantFrom(
          "JobUniqueId,JobStartDateTime,JobStatus",
          "JobUniqueId;JobStartDateTime [UTC];JobStatus",
        ),
        fc.array(record, { maxLength: 6 }),
        fc.constantFrom(",", ";"),
        fc.constantFrom("\n", "\r\n", "\r"),
      )
      .map(([lead, header, rows, d, eol]) => lead + [header, ...rows.map((r) => r.join(d))].join(eol));
    await fc.assert(
      fc.asyncProperty(file, fc.integer({ min: 16, max: 64 }), async (text, chunkBytes) => {
        const expected = await outcome(() => readExport(text));
        expect(await outcome(() => readExportFile(write(text), { chunkBytes }))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe("date cells are read as the pattern of the portal's styles says", () => {
  // The pattern the reader follows without a regular expression (it reads every date cell twice).
  const PATTERN =
    /^(\d{1,4})([/.])(\d{1,2})\2(\d{1,4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*([AaPp][Mm])?$/;
  const byPattern = (cell: string, order: "mdy" | "dmy" | "ymd"): number | null => {
    const m = PATTERN.exec(cell);
    if (!m) return null;
    const [a, b, c] = [Number(m[1]), Number(m[3]), Number(m[4])];
    const [y, mo, d] = order === "ymd" ? [a, b, c] : order === "mdy" ? [c, a, b] : [c, b, a];
    let h = Number(m[5]);
    const marker = m[9]?.toLowerCase();
    if (marker !== undefined) {
      if (h < 1 || h > 12) return null;
      h = marker === "am" ? h % 12 : (h % 12) + 12;
    }
    const [mi, s] = [Number(m[6]), Number(m[7] ?? "0")];
    const t = Date.UTC(y, mo - 1, d, h, mi, s, Number((m[8] ?? "").slice(0, 3).padEnd(3, "0")));
    const back = new Date(t);
    const real = back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d;
    return y >= 1000 && real && h <= 23 && mi <= 59 && s <= 59 ? t : null;
  };
  const unit = fc.constantFrom(
    ..."0123456789/.,: \t\u202f\u00a0AaPpMmx".split(""),
    "12",
    "2026",
    "31",
    "11/24/2026, ",
    "24.11.2026 ",
    "2026/11/24 ",
  );
  const cells = fc.oneof(
    fc.string({ unit, maxLength: 32 }),
    fc.constantFrom("11/24/2026, 2:09:47.000 AM", "24/11/2026, 02:09:47.000", "29/02/2024 23:59:59.9999999"),
  );

  it("the same time, or none, for any cell in each order", () => {
    fc.assert(
      fc.property(cells, fc.constantFrom("mdy" as const, "dmy" as const, "ymd" as const), (cell, order) => {
        expect(msFromLocalDate(cell, order)).toBe(byPattern(cell, order));
      }),
      { numRuns: 5000 },
    );
  });

  it("the same style for any set of cells", () => {
    fc.assert(
      fc.property(fc.array(cells, { maxLength: 6 }), (list) => {
        const matched = list.filter((c) => PATTERN.test(c));
        const order = detectDateOrder(list);
        if (matched.length === 0) expect(order).toBeNull();
        else expect(order).not.toBeNull();
        for (const c of matched)
          if (order === "mdy" || order === "dmy" || order === "ymd") {
            expect(msFromLocalDate(c, order)).toBe(byPattern(c, order));
          }
      }),
      { numRuns: 2000 },
    );
  });
});
