/**
 * Missed digests are caught up: a day whose run failed (the table store refused the run) is stored by the
 * next run through its look-back, and its digest is then delivered, marked late, exactly once; a first run
 * sends only its own day.
 */
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { openDeps } from "../../src/pipeline/deps.js";
import { startLocalRun, type LocalRun } from "./local-run.js";

/** A time after every row of the estate has arrived. */
const ALL_ROWS = Date.parse("2030-01-01T00:00:00Z");
const ENV = { PULSE_RECOVERY_POINTS: "off", PULSE_LOOKBACK_DAYS: "2" };

const open: LocalRun[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function localRun(env: Record<string, string> = {}): Promise<LocalRun> {
  const run = await startLocalRun({ days: 3, env: { ...ENV, ...env } });
  open.push(run);
  return run;
}

describe("missed digests", () => {
  it("a day whose run failed gets its digest, marked late, with the next run; exactly one per day", async () => {
    const run = await localRun();
    const [d0, d1, d2] = run.estate.days as [string, string, string];
    await run.runDay(d0, { nowMs: ALL_ROWS });

    // The run for d1 cannot open the table store (a wrong account key): it fails before storing or posting.
    const wrongKey = run.env.PULSE_TABLES_CONNECTION!.replace(
      /AccountKey=[^;]+/,
      `AccountKey=${"A".repeat(86)}==`,
    );
    const broken = loadConfig(
      { ...run.env, PULSE_TABLES_CONNECTION: wrongKey },
      { requireRunSettings: true },
    );
    await expect(openDeps(broken, run.depsOptions)).rejects.toThrow(
      /^Table Storage refused access to account devstoreaccount1 \(403 AuthorizationFailure\): check the account key or SAS in PULSE_TABLES_CONNECTION/,
    );
    expect(run.hook.received.map((d) => d.date)).toEqual([d0]);

    const next = await run.runDay(d2, { nowMs: ALL_ROWS });
    expect(next.delivery?.posted.map((p) => p.key)).toEqual([d1, d2]);
    expect(run.hook.received.map((d) => d.date)).toEqual([d0, d1, d2]);
    const late = run.hook.received[1]!;
    expect(late.notes[0]).toBe(
      `Late: no run delivered this digest for ${d1} on its day; it is sent with the run for ${d2}.`,
    );
    expect(late.headline.counts.jobs).toBe(run.expected(d1).jobs);
    expect(run.hook.received[2]!.notes.join(" ")).not.toContain("Late:");

    // Again: nothing is sent twice.
    const again = await run.runDay(d2, { nowMs: ALL_ROWS });
    expect(again.delivery?.posted).toEqual([]);
    expect(run.hook.received.map((d) => d.date)).toEqual([d0, d1, d2]);
  });

  it("with PULSE_LOCALE=ja the late digest is Japanese, its note too", async () => {
    const run = await localRun({ PULSE_LOCALE: "ja", PULSE_TIMEZONE: "Asia/Tokyo" });
    const [d0, d1, d2] = run.estate.days as [string, string, string];
    await run.runDay(d0, { nowMs: ALL_ROWS });
    // No run for d1: the run for d2 stores it through its look-back and sends its digest, late.
    await run.runDay(d2, { nowMs: ALL_ROWS });
    expect(run.hook.received.map((d) => d.date)).toEqual([d0, d1, d2]);
    const late = run.hook.received[1]!;
    const day = (d: string): string => d.replace(/^(\d+)-0?(\d+)-0?(\d+)$/, "$1年$2月$3日");
    expect(late.locale).toBe("ja");
    expect(late.timeZone).toBe("Asia/Tokyo");
    expect(late.notes[0]).toBe(
      `遅延: ${day(d1)} のダイジェストは当日にどの実行でも配信されなかったため、${day(d2)} の実行とともに送ります。`,
    );
    expect(late.headline.statusReason).toMatch(/[\u3040-\u30ff]/);
  });

  it("a first run sends its own day only, not the days of its look-back", async () => {
    const run = await localRun();
    const [, , d2] = run.estate.days as [string, string, string];
    await run.runDay(d2, { nowMs: ALL_ROWS });
    expect(run.hook.received.map((d) => d.date)).toEqual([d2]);
  });
});
