/**
 * Reads the portal's CSV export in two passes over its text, given part by part, so a large file is never held
 * whole (csv.ts parses it). The first pass checks the whole file before anything is read: quotes, the header's
 * job columns, every record's field count, and the date style of all its date cells. The second pass turns
 * each date into an ISO-8601 UTC time and hands the rows to the job reader a batch at a time.
 */
import {
  CsvError,
  DateOrderEvidence,
  detectDelimiter,
  msFromLocalDate,
  parseCsvPart,
  type CsvDialect,
  type DateOrder,
} from "./csv.js";
import { FORMATS_HINT, InputError, missingMessage } from "./input-error.js";
import { missingJobColumns } from "./normalise-fields.js";
import { cellDateMs } from "./normalise-values.js";
import type { JobReader } from "./normalise.js";

const EXPORT_HINT =
  "export it again from the portal with the language and regional format set to English (United States), " +
  "or run the query with `az monitor log-analytics query -o json` (see docs/classify.md)";

/** Columns the portal writes dates in: ` [UTC]` after the name, or a known time column. */
const DATE_COLUMN = /\[UTC\]$|^(TimeGenerated|JobStartDateTime|StartTime|EndTime|.*DateTime)$/i;

/** Rows handed to the job reader at a time. */
const BATCH_ROWS = 5000;

/** What the first pass found: how to read the rows. */
export interface CsvPlan extends CsvDialect {
  columns: string[];
  dateColumns: number[];
}

/** The records of a text given part by part (leading BOM and blank space skipped, as for a whole file). */
class CsvRecordStream {
  private carry = "";
  private line = 1;
  private started = false;
  private bomChecked = false;
  delimiter: string | null = null;
  /** The columns whose unquoted fields are read (all when undefined). */
  wanted: readonly boolean[] | undefined;

  constructor(private readonly onRecords: (records: string[][], lines: number[]) => void) {}

  push(part: string, final: boolean): void {
    let text = this.carry + part;
    this.carry = "";
    if (!this.started) {
      let start = 0;
      if (!this.bomChecked && text.charCodeAt(0) === 0xfeff) start = 1;
      if (text.length > 0) this.bomChecked = true;
      while (start < text.length && text.charCodeAt(start) <= 32) start++;
      if (start === text.length && !final) {
        // Only blank space so far: the BOM is gone, and blank space may be dropped.
        this.carry = "";
        return;
      }
      this.started = true;
      text = text.slice(start);
    }
    if (this.delimiter === null) {
      // The delimiter is the one that splits the first line most.
      const newline = text.search(/[\r\n]/);
      if (newline < 0 && !final) {
        this.carry = text;
        return;
      }
      this.delimiter = detectDelimiter(newline < 0 ? text : text.slice(0, newline));
    }
    let parsed;
    try {
      parsed = parseCsvPart(text, this.delimiter, this.line, final, this.wanted);
    } catch (error) {
      if (error instanceof CsvError) throw new InputError(`The CSV, ${error.message}`);
      throw error;
    }
    this.line = parsed.line;
    this.carry = text.slice(parsed.consumed);
    if (parsed.records.length > 0) this.onRecords(parsed.records, parsed.lines);
  }
}

/** The first pass: checks every record and finds the date style; `plan()` says how to read the rows. */
export class CsvScan {
  private readonly stream: CsvRecordStream;
  private header: string[] | null = null;
  private columns: string[] = [];
  private records = 0;
  private misfit: { line: number; fields: number } | null = null;
  private dateColumns: number[] = [];
  private readonly evidence = new DateOrderEvidence();
  private start = -1;
  private sample: string | undefined;

  constructor() {
    this.stream = new CsvRecordStream((records, lines) => this.add(records, lines));
  }

  push(part: string, final = false): void {
    this.stream.push(part, final);
  }

  private add(records: string[][], lines: number[]): void {
    for (let r = 0; r < records.length; r++) {
      const record = records[r] as string[];
      this.records++;
      if (this.header === null) {
        this.header = record;
        this.columns = record.map((h) => h.trim());
        this.dateColumns = this.columns.flatMap((h, i) => (DATE_COLUMN.test(h) ? [i] : []));
        this.start = this.columns.findIndex((h) => /^JobStartDateTime\b/i.test(h));
        // This pass reads only the date fields (and counts every record's fields).
        const wanted: boolean[] = [];
        for (const c of [...this.dateColumns, this.start]) if (c >= 0) wanted[c] = true;
        this.stream.wanted = wanted;
        continue;
      }
      if (record.length !== this.columns.length) {
        this.misfit ??= { line: lines[r] ?? 0, fields: record.length };
        continue;
      }
      for (const c of this.dateColumns) this.evidence.add((record[c] ?? "").trim());
      if (this.sample === undefined && this.start >= 0 && (record[this.start] ?? "").trim() !== "") {
        this.sample = record[this.start];
      }
    }
  }

  /** After the last part: how to read the rows, or the InputError that stops the read. */
  plan(): CsvPlan {
    const delimiter = this.stream.delimiter ?? ",";
    const { columns } = this;
    if (this.header === null) throw new InputError("The file is empty");
    const missing = missingJobColumns(columns);
    if (missing.length > 0) {
      throw new InputError(
        columns.length < 2 && this.records < 2
          ? `The file is not a query result (${FORMATS_HINT})`
          : missingMessage(missing, "The CSV"),
      );
    }
    if (this.misfit !== null) {
      throw new InputError(
        `The CSV's line ${this.misfit.line || "?"} has ${this.misfit.fields} fields where the header has ${columns.length}: ` +
          `a quote is unbalanced or a field holds an unquoted '${delimiter === "\t" ? "tab" : delimiter}'. ` +
          "Nothing was read, so that no value lands in the wrong column; export the file again",
      );
    }
    const order = this.evidence.order();
    if (order !== null && typeof order === "object") {
      throw new InputError(`The CSV's ${order.problem}: ${EXPORT_HINT}`);
    }
    const sample = this.sample;
    if (sample !== undefined && readDate(sample, this.dateColumns.includes(this.start), order) === null) {
      throw new InputError(
        `The CSV writes its dates as "${sample.trim().slice(0, 40)}", a style backup-pulse does not read: ${EXPORT_HINT}`,
      );
    }
    return { delimiter, dateOrder: order, columns, dateColumns: this.dateColumns };
  }
}

/** A start cell as a time: in the file's date style when it is a date column, else as the reader reads it. */
function readDate(cell: string, dateColumn: boolean, order: DateOrder | null): number | null {
  const local = dateColumn && order !== null ? msFromLocalDate(cell.trim(), order) : null;
  return local ?? cellDateMs(cell);
}

/** The second pass: the rows, dates made ISO-8601 UTC, handed to the reader a batch at a time. */
export class CsvFeed {
  private readonly stream: CsvRecordStream;
  private header = true;
  private batch: (string | number)[][] = [];

  constructor(
    private readonly plan: CsvPlan,
    private readonly reader: JobReader,
  ) {
    this.stream = new CsvRecordStream((records) => this.add(records));
  }

  push(part: string, final = false): void {
    this.stream.push(part, final);
    if (final || this.batch.length >= BATCH_ROWS) this.flush();
  }

  private add(records: string[][]): void {
    const { columns, dateColumns, dateOrder } = this.plan;
    for (const record of records) {
      if (this.header) {
        this.header = false;
        continue;
      }
      if (record.length !== columns.length) {
        throw new InputError("The CSV changed while it was read: read it again");
      }
      const row: (string | number)[] = record;
      if (dateOrder !== null) {
        for (const c of dateColumns) {
          const ms = msFromLocalDate((record[c] ?? "").trim(), dateOrder);
          if (ms !== null) row[c] = ms;
        }
      }
      this.batch.push(row);
      if (this.batch.length >= BATCH_ROWS) this.flush();
    }
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    this.reader.addTable(this.plan.columns, this.batch);
    this.batch = [];
  }
}

/** Reads a whole CSV text (both passes over it) into `reader`; returns how the file writes dates and fields. */
export function readCsv(text: string, reader: JobReader): CsvDialect {
  const scan = new CsvScan();
  scan.push(text, true);
  const plan = scan.plan();
  new CsvFeed(plan, reader).push(text, true);
  return { delimiter: plan.delimiter, dateOrder: plan.dateOrder };
}
