import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError, readExport } from "../../src/logs/formats.js";
import { readExportFile } from "../../src/logs/formats-stream.js";

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/exports/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "pulse-stream-"));
let n = 0;
const write = (text: string): string => {
  const p = join(dir, `f${n++}.json`);
  writeFileSync(p, text);
  return p;
};

const FILES = [
  "rest-resource-specific.json",
  "rest-azure-diagnostics.json",
  "rest-getjobs.json",
  "az-resource-specific.json",
  "portal-resource-specific.csv",
];

describe("readExportFile", () => {
  for (const file of FILES) {
    it(`${file}: same result as reading the whole text, whatever the chunk size`, async () => {
      const whole = readExport(readFileSync(fixture(file), "utf8"));
      for (const chunkBytes of [16, 97, 1000, 1 << 20]) {
        expect(await readExportFile(fixture(file), { chunkBytes })).toEqual(whole);
      }
    });
  }

  it("handles escaped quotes, brackets in strings, multi-byte characters, a BOM and several tables", async () => {
    const columns = [
      { name: "JobUniqueId" },
      { name: "JobStatus" },
      { name: "JobStartDateTime" },
      { name: "BackupItemFriendlyName" },
    ];
    const doc = {
      tables: [
        { name: "stats", columns: [{ name: "x" }], rows: [[1]] },
        {
          name: "PrimaryResult",
          columns,
          rows: [
            ["a", "Completed", "2026-11-24T01:00:00Z", 'vm "quoted" [x] {y} \\ end'],
            ["b", "Failed", "2026-11-24T01:00:00Z", "vm-ünïcödé-🚀"],
            ["c", "Completed", "2026-11-24T01:00:00Z", "rows"],
          ],
        },
        { name: "more", columns, rows: [["a", "Failed", "2026-11-24T01:00:00Z", "later"]] },
      ],
    };
    const path = write("\ufeff" + JSON.stringify(doc, null, 1));
    for (const chunkBytes of [16, 17, 33, 4096]) {
      const r = await readExportFile(path, { chunkBytes });
      expect(r.rowsRead).toBe(4);
      expect(r.duplicates).toBe(1);
      expect(r.jobs.map((j) => [j.jobId, j.vm])).toEqual([
        ["a", "later"],
        ["b", "vm-ünïcödé-🚀"],
        ["c", "rows"],
      ]);
    }
  });

  it("raises the same InputErrors for truncated or column-less files", async () => {
    const text = readFileSync(fixture("rest-resource-specific.json"), "utf8");
    for (const cut of [20, 400, Math.floor(text.length / 2), text.length - 3]) {
      await expect(readExportFile(write(text.slice(0, cut)), { chunkBytes: 64 })).rejects.toThrow(
        /truncated/,
      );
    }
    await expect(
      readExportFile(write('{"tables":[{"name":"t","columns":[{"name":"Foo"}],"rows":[["a"]]}]}')),
    ).rejects.toThrow(/lacks the job columns/);
    await expect(readExportFile(write(""))).rejects.toThrow(InputError);
  });

  it("any JSON document reads like readExport (same result or an InputError)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          tables: fc.array(
            fc.record({
              name: fc.string(),
              columns: fc.array(
                fc.record({
                  name: fc.constantFrom("JobUniqueId", "JobStatus", "JobStartDateTime", "TimeGenerated", "x"),
                }),
                { maxLength: 5 },
              ),
              rows: fc.array(
                fc.array(
                  fc.oneof(
                    fc.string(),
                    fc.constantFrom("Completed", "2026-11-24T01:00:00Z", '"]['),
                    fc.integer(),
                    fc.constant(null),
                  ),
                  { maxLength: 5 },
                ),
                { maxLength: 6 },
              ),
            }),
            { maxLength: 3 },
          ),
        }),
        fc.integer({ min: 16, max: 200 }),
        async (doc, chunkBytes) => {
          const text = JSON.stringify(doc);
          let expected: unknown;
          try {
            expected = readExport(text);
          } catch (error) {
            expected = error instanceof InputError ? "InputError" : error;
          }
          let actual: unknown;
          try {
            actual = await readExportFile(write(text), { chunkBytes });
          } catch (error) {
            actual = error instanceof InputError ? "InputError" : error;
          }
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  /** The result of reading, or "InputError". */
  async function outcome(read: () => Promise<unknown>): Promise<unknown> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof InputError) return "InputError";
      throw error;
    }
  }

  const cell = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.constantFrom("Completed", "2026-11-24T01:00:00Z", '"][', "a\\b", "tab\there", "line\nbreak", "é🚀"),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 3 }),
    fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }),
  );
  const jobDoc = fc.record({
    tables: fc.array(
      fc.record({
        name: fc.string(),
        columns: fc.constant([{ name: "JobUniqueId" }, { name: "JobStatus" }, { name: "JobStartDateTime" }]),
        rows: fc.array(fc.oneof(fc.array(cell, { maxLength: 5 }), cell), { maxLength: 6 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  });

  it("rows in any layout, with escapes, nested values and numbers of any form, read as JSON.parse reads them", async () => {
    await fc.assert(
      fc.asyncProperty(
        jobDoc,
        fc.constantFrom(undefined, 1, "\t", " "),
        fc.boolean(),
        fc.integer({ min: 16, max: 300 }),
        async (doc, indent, crlf, chunkBytes) => {
          let text = JSON.stringify(doc, null, indent);
          if (crlf) text = text.replace(/\n/g, "\r\n");
          // The file's text (a lone surrogate the fault may leave is written as U+FFFD).
          const path = write(text);
          const expected = await outcome(() => Promise.resolve(readExport(readFileSync(path, "utf8"))));
          expect(await outcome(() => readExportFile(path, { chunkBytes }))).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a fault anywhere in the rows raises an InputError as reading the whole text does", async () => {
    await fc.assert(
      fc.asyncProperty(
        jobDoc,
        fc.nat(),
        fc.constantFrom(
          "x",
          ",",
          "]",
          "[",
          '"',
          "\\",
          "\u0001",
          "\t",
          "}",
          "{",
          "-",
          "0",
          "n",
          "e",
          ".",
          ":",
        ),
        fc.boolean(),
        fc.integer({ min: 16, max: 300 }),
        async (doc, at, fault, replace, chunkBytes) => {
          const valid = JSON.stringify(doc, null, 1);
          const rows = valid.indexOf('"rows"');
          const i = rows + (at % (valid.length - rows));
          const text = valid.slice(0, i) + fault + valid.slice(replace ? i + 1 : i);
          // The file's text (a lone surrogate the fault may leave is written as U+FFFD).
          const path = write(text);
          const expected = await outcome(() => Promise.resolve(readExport(readFileSync(path, "utf8"))));
          expect(await outcome(() => readExportFile(path, { chunkBytes }))).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });
});
