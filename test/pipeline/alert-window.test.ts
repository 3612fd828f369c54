/** Which rows an alert evaluation reads: "since" from the option, the checkpoint or the first-run hour, and the history window. */
import { describe, expect, it } from "vitest";
import { parseAlertRules } from "../../src/domain/alert-rules.js";
import { alertWindow, INGESTION_OVERLAP_MS } from "../../src/pipeline/alert-window.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse("2026-11-25T03:00:00Z");
const DEFAULT_RULES = parseAlertRules(null);

function windowOf(option: Date | undefined, evaluatedToMs: number | null, rules = DEFAULT_RULES) {
  const lines: string[] = [];
  const checkpoint =
    evaluatedToMs === null
      ? null
      : { evaluatedToMs, lastTimeGeneratedMs: null, ranAt: "2026-11-24T00:00:00Z" };
  return { ...alertWindow(rules, option, checkpoint, NOW, (l) => lines.push(l)), lines };
}

describe("alertWindow", () => {
  it("an explicit --since wins over the checkpoint", () => {
    const since = new Date(NOW - 5 * HOUR);
    expect(windowOf(since, NOW - HOUR)).toMatchObject({
      sinceMs: since.getTime(),
      source: "option",
      lines: [],
    });
  });

  it("without a checkpoint the last hour counts as new, and the log says so", () => {
    const w = windowOf(undefined, null);
    expect(w).toMatchObject({ sinceMs: NOW - HOUR, source: "first-run" });
    expect(w.lines).toEqual(["No earlier evaluation is recorded: jobs from the last hour count as new."]);
  });

  it("from a checkpoint, rows generated up to an hour before it still count as new", () => {
    const w = windowOf(undefined, NOW - 2 * HOUR);
    expect(INGESTION_OVERLAP_MS).toBe(HOUR);
    expect(w).toMatchObject({ sinceMs: NOW - 3 * HOUR, source: "checkpoint", lines: [] });
  });

  it("a checkpoint more than 7 days old is caught up for the last 7 days only, and the log says so", () => {
    const w = windowOf(undefined, NOW - 10 * DAY);
    expect(w).toMatchObject({ sinceMs: NOW - 7 * DAY, source: "checkpoint", windowStartMs: NOW - 7 * DAY });
    expect(w.lines).toEqual([expect.stringContaining("only the last 7 days are caught up")]);
    expect(windowOf(undefined, NOW - 7 * DAY + HOUR).sinceMs).toBe(NOW - 7 * DAY);
  });

  it("reads the history the failure streak needs, and at least two days", () => {
    expect(windowOf(undefined, NOW - HOUR).windowStartMs).toBe(NOW - 2 * DAY);
    expect(windowOf(undefined, NOW - HOUR, parseAlertRules("consecutive-failures:5")).windowStartMs).toBe(
      NOW - 5 * DAY,
    );
    expect(windowOf(undefined, NOW - HOUR, parseAlertRules("vss")).windowStartMs).toBe(NOW - 2 * DAY);
    // a "since" earlier than the history reaches further back
    expect(windowOf(new Date(NOW - 4 * DAY), null).windowStartMs).toBe(NOW - 4 * DAY);
  });
});
