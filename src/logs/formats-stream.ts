/**
 * Reads an export FILE without holding all of it in memory when it is a Log Analytics REST response:
 * the file is read in chunks, each table's rows are read cell by cell from the text and handed to the job reader
 * one at a time (rest-rows.ts), and only the small rest of the document (names, columns) is kept. A portal CSV is read twice, part by part
 * (csv-read.ts). The az JSON array is read whole by readExport. Errors are the same InputErrors readExport raises.
 */
import { open } from "node:fs/promises";
import { isAscii } from "node:buffer";
import { StringDecoder } from "node:string_decoder";
import { describeDialect } from "./csv.js";
import { CsvFeed, CsvScan } from "./csv-read.js";
import { dateColumns, missingJobColumns } from "./normalise-fields.js";
import { createJobReader, type JobList } from "./normalise.js";
import { closingQuote, RestRows } from "./rest-rows.js";
import { InputError, jsonProblem, missingMessage, readExport, type ExportRead } from "./formats.js";

/** Small parts keep what is parsed from them short-lived, so it is collected young (and cheaply). */
const CHUNK_BYTES = 1 << 20;

const QUOTE = 34;

function columnsOf(tableHeader: string): string[] | null {
  try {
    const table = JSON.parse(`${tableHeader}[]}`) as { columns?: unknown };
    if (!Array.isArray(table.columns)) return null;
    return table.columns.map((c: unknown) =>
      typeof c === "string"
        ? c
        : c !== null && typeof c === "object" && typeof (c as { name?: unknown }).name === "string"
          ? (c as { name: string }).name
          : "",
    );
  } catch {
    return null;
  }
}

class NotStreamable extends Error {}

export interface ReadFileOptions {
  /** Bytes read at a time (default 1 MiB). */
  chunkBytes?: number;
}

/** What {@link readExportJobs} reads: each job's object is built when it is asked for. */
export type ExportJobs = Omit<ExportRead, "jobs"> & { jobs: JobList };

/**
 * Reads an export file (any of the three formats). REST responses are streamed; the result is the same
 * as `readExport` on the file's text.
 */
export async function readExportFile(path: string, options: ReadFileOptions = {}): Promise<ExportRead> {
  const { jobs: list, ...read } = await readExportJobs(path, options);
  if (Array.isArray(list)) return { jobs: list as ExportRead["jobs"], ...read };
  const jobs: ExportRead["jobs"] = [];
  for (let k = 0; k < list.length; k++) {
    const job = list.at(k);
    if (job) jobs.push(job);
  }
  return { jobs, ...read };
}

/**
 * Reads an export file as {@link readExportFile} does, but a large REST response or CSV leaves its jobs in the
 * columns they were read into: each job's object is built when it is asked for, and can be let go after.
 */
export async function readExportJobs(path: string, options: ReadFileOptions = {}): Promise<ExportJobs> {
  const handle = await open(path, "r");
  try {
    const first = Buffer.alloc(64);
    const { bytesRead } = await handle.read(first, 0, first.length, 0);
    const head = first
      .subarray(0, bytesRead)
      .toString("utf8")
      .replace(/^\ufeff/, "");
    if (!/^\s*\{\s*"tables"\s*:/.test(head)) {
      let lead = 0;
      while (lead < head.length && head.charCodeAt(lead) <= 32) lead++;
      const c = head.charCodeAt(lead);
      if (lead < head.length && c !== 123 && c !== 91)
        return await streamCsv(handle, options.chunkBytes ?? CHUNK_BYTES);
      return readExport(await handle.readFile({ encoding: "utf8" }));
    }
    try {
      return await streamRest(handle, options.chunkBytes ?? CHUNK_BYTES);
    } catch (error) {
      if (!(error instanceof NotStreamable)) throw error;
      return readExport(await handle.readFile({ encoding: "utf8" }));
    }
  } finally {
    await handle.close();
  }
}

type FileHandle = Awaited<ReturnType<typeof open>>;

/**
 * UTF-8 text of a file read in parts. Most exports are ASCII (after a byte order mark): such a part is copied as it
 * is, without the decoder's work, until a part holds another character; from then on every part goes through the decoder
 * (which keeps a character split between two parts whole).
 */
class PartDecoder {
  private readonly decoder = new StringDecoder("utf8");
  private ascii = true;
  private first = true;

  write(bytes: Buffer): string {
    if (this.first) {
      // A leading byte order mark (the portal's CSV has one) need not send every part through the decoder.
      this.first = false;
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
        return "\ufeff" + this.write(bytes.subarray(3));
      }
    }
    if (this.ascii && isAscii(bytes)) return bytes.toString("latin1");
    this.ascii = false;
    return this.decoder.write(bytes);
  }

  end(): string {
    return this.ascii ? "" : this.decoder.end();
  }
}

/** Hands the file's text to `visit` part by part (`final` with the last part, which may be empty). */
async function eachPart(
  handle: FileHandle,
  chunkBytes: number,
  visit: (text: string, final: boolean) => void,
): Promise<void> {
  const decoder = new PartDecoder();
  const buffer = Buffer.alloc(Math.max(16, chunkBytes));
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    position += bytesRead;
    if (bytesRead === 0) {
      visit(decoder.end(), true);
      return;
    }
    visit(decoder.write(buffer.subarray(0, bytesRead)), false);
  }
}

/** The portal's CSV, read twice from the file (csv-read.ts): nothing is read unless the whole file can be. */
async function streamCsv(handle: FileHandle, chunkBytes: number): Promise<ExportJobs> {
  const scan = new CsvScan();
  await eachPart(handle, chunkBytes, (text, final) => scan.push(text, final));
  const plan = scan.plan();
  const reader = createJobReader();
  const feed = new CsvFeed(plan, reader);
  await eachPart(handle, chunkBytes, (text, final) => feed.push(text, final));
  const dialect = describeDialect(plan);
  return { ...reader.finishList(), format: "csv", ...(dialect ? { dialect } : {}) };
}

async function streamRest(handle: FileHandle, chunkBytes: number): Promise<ExportJobs> {
  const reader = createJobReader();
  const decoder = new PartDecoder();
  const buffer = Buffer.alloc(Math.max(16, chunkBytes));
  let position = 0;

  // Scanner state, kept across chunks.
  let depth = 0;
  let skeleton = ""; // the document without the contents of the rows arrays
  let tableStart = -1; // index in `skeleton` of the current table object
  let lastKey = ""; // the last short string read at table-object depth
  let rows: RestRows | null = null; // the rows array being read
  let carry = ""; // text not yet read: a row, or a string, the next chunk completes
  let tablesUsed = 0;
  let firstMissing: string[] = [];
  let bom = true;
  const skipRow = (): void => {};

  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    position += bytesRead;
    let text = bytesRead > 0 ? decoder.write(buffer.subarray(0, bytesRead)) : decoder.end();
    if (bom) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      bom = false;
    }
    if (carry !== "") {
      text = carry + text;
      carry = "";
    }
    const n = text.length;
    let i = 0;
    let segmentStart = 0; // start of the skeleton text not yet appended
    let carryFrom = -1;
    while (i < n) {
      if (rows !== null) {
        // Inside a rows array: its rows go to the job reader, its end back to the skeleton.
        const end = rows.read(text, i);
        if (end < 0) {
          carryFrom = rows.resume;
          segmentStart = n;
          break;
        }
        rows = null;
        depth = 3;
        skeleton += "]";
        segmentStart = i = end;
        continue;
      }
      // Outside rows: copy to the skeleton, track depth and keys.
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        const q = closingQuote(text, i + 1);
        if (q < 0) {
          // A string split across chunks: read it again with the next chunk.
          carryFrom = i;
          break;
        }
        if (depth === 3 && q - i <= 16) lastKey = text.slice(i + 1, q);
        i = q + 1;
        continue;
      }
      if (c === 123 || c === 91) {
        depth++;
        if (depth === 3 && c === 123) tableStart = skeleton.length + (i - segmentStart);
        if (depth === 4 && c === 91 && lastKey === "rows") {
          skeleton += text.slice(segmentStart, i + 1);
          if (tableStart < 0) throw new NotStreamable();
          const header = skeleton.slice(tableStart, skeleton.length - 1);
          const columns = columnsOf(header);
          if (columns === null) throw new NotStreamable();
          const missing = missingJobColumns(columns);
          if (missing.length > 0) {
            if (tablesUsed === 0 && firstMissing.length === 0) firstMissing = missing;
            rows = new RestRows(skipRow);
          } else {
            tablesUsed++;
            rows = new RestRows(reader.tableRows(columns), dateColumns(columns));
          }
          segmentStart = i = i + 1;
          continue;
        }
      } else if (c === 125 || c === 93) {
        depth--;
      } else if (c === 58 || c === 44 || c <= 32) {
        // separators and whitespace keep the last key
      } else if (depth === 3) {
        lastKey = "";
      }
      i++;
    }
    if (carryFrom >= 0) {
      skeleton += text.slice(segmentStart, Math.max(segmentStart, carryFrom));
      carry = text.slice(carryFrom);
    } else {
      skeleton += text.slice(segmentStart);
    }
    if (bytesRead === 0) break;
    if (skeleton.length > 64 << 20) throw new NotStreamable();
  }

  if (rows !== null || carry !== "" || depth !== 0) {
    throw new InputError("The JSON ends early: the file looks truncated (export it again)");
  }
  let document: unknown;
  try {
    document = JSON.parse(skeleton);
  } catch (error) {
    throw jsonProblem(error, skeleton);
  }
  if (
    document === null ||
    typeof document !== "object" ||
    !Array.isArray((document as { tables?: unknown }).tables)
  ) {
    throw new NotStreamable();
  }
  if (tablesUsed === 0) {
    if (firstMissing.length > 0) throw new InputError(missingMessage(firstMissing, "The result table"));
    throw new NotStreamable();
  }
  return { ...reader.finishList(), format: "rest" };
}
