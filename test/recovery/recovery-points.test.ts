import { describe, expect, it } from "vitest";
import type { ArmEndpoint } from "../../src/local/arm-endpoint.js";
import { parseRecoveryPointFilter } from "../../src/local/arm-recovery-points.js";
import { buildEstate, SAMPLE_WORKSPACES } from "../../src/demo/estate.js";
import type { LogsProviderRows } from "../../src/local/logs-endpoint.js";
import { loopbackTls } from "../../src/local/tls.js";
import { classifyJob } from "../../src/domain/classify.js";
import { dayOf } from "../../src/domain/days.js";
import { onRotationDay, rotationKey } from "../../src/domain/point-doubt.js";
import type { BackupJob } from "../../src/domain/model.js";
import { JOB_QUERY_COLUMNS } from "../../src/logs/columns.js";
import { normaliseTable } from "../support/normalise.js";
import {
  createRecoveryPointsClient,
  formatFilterDate,
  itemRefOf,
  lookupRecoveryPoints,
  matchPoint,
  recoveryPointFilter,
  type RecoveryPointMode,
} from "../../src/recovery/recovery-points.js";
import { staticCredential, withArmEndpoint } from "../support/local-azure.js";

const END = "2026-11-24";
const estate = buildEstate({ endDate: END, days: 2 });
const truth = new Map(estate.jobs.map((j) => [j.jobId, j]));
const options = { linuxAppConsistentVms: estate.linuxAppConsistentVms };

/** The jobs of the given days as the product reads them from both workspaces. */
function jobsOf(days: string[]): BackupJob[] {
  const provider = estate.logsProvider();
  const rows: unknown[][] = [];
  for (const date of days) {
    const start = `${date}T00:00:00.000Z`;
    const end = new Date(Date.parse(start) + 86_400_000).toISOString();
    for (const [workspaceId, queryName] of [
      [SAMPLE_WORKSPACES.main, "jobs"],
      [SAMPLE_WORKSPACES.legacy, "jobs-legacy"],
    ] as const) {
      const result = provider({
        workspaceId,
        queryName,
        params: { rangeStart: start, rangeEnd: end },
        query: "",
      });
      rows.push(...(result as LogsProviderRows).rows);
    }
  }
  return normaliseTable(
    JOB_QUERY_COLUMNS.map((c) => c.name),
    rows,
  ).jobs;
}

const lastDay = jobsOf([END]);

function clientFor(arm: ArmEndpoint) {
  return createRecoveryPointsClient({
    endpoint: arm.endpoint,
    credential: staticCredential("arm-token"),
    tlsCa: loopbackTls().ca,
    retry: { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 50 },
  });
}

async function lookUp(arm: ArmEndpoint, mode: RecoveryPointMode, jobs = lastDay, concurrency?: number) {
  return lookupRecoveryPoints({
    client: clientFor(arm),
    jobs,
    mode,
    ...(concurrency === undefined ? {} : { concurrency }),
  });
}

describe("the recovery-points $filter", () => {
  it("uses the 12-hour UTC form the REST API expects", () => {
    expect(formatFilterDate(Date.parse("2026-11-24T00:00:00Z"))).toBe("2026-11-24 12:00:00 AM");
    expect(formatFilterDate(Date.parse("2026-11-24T12:00:00Z"))).toBe("2026-11-24 12:00:00 PM");
    expect(formatFilterDate(Date.parse("2026-11-24T18:05:09.700Z"))).toBe("2026-11-24 06:05:09 PM");
    expect(
      recoveryPointFilter(Date.parse("2026-11-24T09:30:00.400Z"), Date.parse("2026-11-24T13:00:00.200Z")),
    ).toBe("startDate eq '2026-11-24 09:30:00 AM' and endDate eq '2026-11-24 01:00:01 PM'");
  });
});

describe("matching a point to a job", () => {
  const job = { startMs: Date.parse("2026-11-24T20:00:00Z"), durationSec: 1800 };
  const at = (iso: string, type = "AppConsistent") => ({ type, timeMs: Date.parse(iso) });
  it("takes the point inside the run, with slack, nearest the start", () => {
    expect(
      matchPoint(job, [at("2026-11-23T20:03:00Z"), at("2026-11-24T20:04:00Z", "CrashConsistent")]),
    ).toEqual({
      recoveryPointType: "CrashConsistent",
      timeMs: Date.parse("2026-11-24T20:04:00Z"),
    });
    expect(matchPoint(job, [at("2026-11-24T20:39:00Z")])?.recoveryPointType).toBe("AppConsistent");
    expect(matchPoint(job, [at("2026-11-24T20:41:00Z"), at("2026-11-24T19:49:00Z")])).toBeNull();
  });
});

describe("lookupRecoveryPoints against the local ARM endpoint", () => {
  it("off looks nothing up", async () => {
    await withArmEndpoint(estate.armProvider, async (arm) => {
      expect((await lookUp(arm, "off")).size).toBe(0);
      expect(arm.requests).toHaveLength(0);
    });
  });

  it("warnings looks up only the jobs in doubt, one list call per item, and finds their real points", async () => {
    await withArmEndpoint(estate.armProvider, async (arm) => {
      const found = await lookUp(arm, "warnings");
      // In doubt: warnings or a code, an unknown OS, and a plain Linux job on its VM's day of the weekly
      // rotation (these jobs carry no policy: no inventory was read).
      const inDoubt = lastDay.filter(
        (j) =>
          j.status === "CompletedWithWarnings" ||
          (j.status === "Completed" &&
            (j.code !== null ||
              j.os === "unknown" ||
              (j.os === "Linux" && onRotationDay(rotationKey(j), dayOf(j.startMs))))),
      );
      const plainLinux = lastDay.filter(
        (j) => j.status === "Completed" && j.os === "Linux" && j.code === null,
      );
      expect(plainLinux.filter((j) => inDoubt.includes(j)).length).toBeLessThan(plainLinux.length);
      expect([...found.keys()].sort()).toEqual(inDoubt.map((j) => j.jobId).sort());
      expect(arm.requests).toHaveLength(inDoubt.length);
      for (const job of inDoubt) {
        const entry = found.get(job.jobId);
        const real = truth.get(job.jobId)?.point;
        if (job.vm === estate.notable.armMissing) {
          expect(entry).toEqual({ error: expect.stringContaining("404") });
        } else {
          expect(entry).toEqual({ point: { recoveryPointType: real?.type, timeMs: real?.timeMs } });
        }
      }
      // each call's window covers its job's run
      for (const r of arm.requests) {
        const window = parseRecoveryPointFilter(r.filter);
        const job = inDoubt.find((j) => `VM;${j.container}`.toLowerCase() === r.ref?.item.toLowerCase());
        expect(window.startMs).toBeLessThanOrEqual(job?.startMs ?? 0);
        expect(window.endMs).toBeGreaterThanOrEqual((job?.startMs ?? 0) + (job?.durationSec ?? 0) * 1000);
      }
      expect(arm.requests.every((r) => r.authorization === "Bearer arm-token")).toBe(true);
    });
  });

  it("all looks up every completed job; observed consistency then gives the estate's expected figures", async () => {
    await withArmEndpoint(estate.armProvider, async (arm) => {
      const found = await lookUp(arm, "all");
      const completed = lastDay.filter((j) => j.status !== "Failed");
      expect(found.size).toBe(completed.length);
      expect(lastDay.filter((j) => j.status === "Failed").some((j) => found.has(j.jobId))).toBe(false);
      const levels = lastDay.map((job) => {
        const entry = found.get(job.jobId);
        return classifyJob(job, options, entry && "point" in entry ? entry.point : null);
      });
      const count = (level: string) => levels.filter((c) => c.consistency === level).length;
      const expected = estate.expected.days.at(-1)?.observed;
      expect({
        application: count("application"),
        fileSystem: count("file-system"),
        crash: count("crash"),
        none: count("none"),
        unknown: count("unknown"),
      }).toEqual(expected);
      const stopped = levels.find((c) => c.vm === estate.notable.stopped);
      expect([stopped?.consistency, stopped?.consistencySource]).toEqual(["crash", "observed"]);
    });
  });

  it("an item ARM does not know keeps its inferred consistency, and says why", async () => {
    await withArmEndpoint(estate.armProvider, async (arm) => {
      const lost = lastDay.find((j) => j.vm === estate.notable.armMissing);
      if (!lost) throw new Error("no job for the lost item");
      const found = await lookUp(arm, "all", [lost]);
      const entry = found.get(lost.jobId);
      expect(entry).toEqual({ error: expect.stringMatching(/does not know this protected item \(404/) });
      const classified = classifyJob(lost, options, entry && "point" in entry ? entry.point : null);
      expect([classified.consistency, classified.consistencySource]).toEqual(["file-system", "inferred"]);
    });
  });

  it("a job without vault ID or container name gets an error without any call", async () => {
    const job = lastDay.find((j) => j.status === "Completed");
    if (!job) throw new Error("no completed job");
    expect(itemRefOf({ ...job, container: null })).toMatch(/container name is not known/);
    expect(itemRefOf({ ...job, vaultId: null })).toMatch(/vault's resource ID is not known/);
    await withArmEndpoint(estate.armProvider, async (arm) => {
      const found = await lookUp(arm, "all", [{ ...job, container: null }]);
      expect(found.get(job.jobId)).toEqual({ error: expect.stringContaining("container name") });
      expect(arm.requests).toHaveLength(0);
    });
  });

  it("covers several days of one item with a single call", async () => {
    const twoDays = jobsOf(estate.days);
    const vm = estate.notable.stopped;
    const jobs = twoDays.filter((j) => j.vm === vm);
    expect(jobs).toHaveLength(2);
    await withArmEndpoint(estate.armProvider, async (arm) => {
      const found = await lookUp(arm, "all", jobs);
      expect(arm.requests).toHaveLength(1);
      for (const job of jobs) {
        expect(found.get(job.jobId)).toEqual({
          point: { recoveryPointType: "CrashConsistent", timeMs: truth.get(job.jobId)?.point?.timeMs },
        });
      }
    });
  });

  it("keeps the number of calls in flight within the bound", async () => {
    const jobs = lastDay.filter((j) => j.status !== "Failed").slice(0, 24);
    await withArmEndpoint(
      estate.armProvider,
      async (arm) => {
        await lookUp(arm, "all", jobs);
        expect(arm.maxInFlight).toBe(16); // the default: the pacer's bound per subscription
        expect(arm.requests).toHaveLength(24);
      },
      // long enough that the first answers cannot come back before the 16th call is sent, even on a busy machine
      { latencyMs: 400 },
    );
    await withArmEndpoint(
      estate.armProvider,
      async (arm) => {
        await lookUp(arm, "all", jobs, 2);
        expect(arm.maxInFlight).toBe(2);
      },
      { latencyMs: 25 },
    );
  });

  it("waits out ARM throttling (429 with Retry-After) and then gets the point", async () => {
    const job = lastDay.find((j) => j.status === "CompletedWithWarnings");
    if (!job) throw new Error("no job with warnings");
    await withArmEndpoint(estate.armProvider, async (arm) => {
      arm.failNext({ throttled: { retryAfterSeconds: 1 } });
      const started = Date.now();
      const found = await lookUp(arm, "warnings", [job]);
      const waited = Date.now() - started;
      expect(found.get(job.jobId)).toHaveProperty("point");
      expect(arm.requests.map((r) => r.status)).toEqual([429, 200]);
      expect(waited).toBeGreaterThanOrEqual(950);
    });
  });

  it("gets every point through ARM's read limit: 429s waited out, fewer in flight as the bucket empties", async () => {
    const jobs = lastDay.filter((j) => j.status !== "Failed").slice(0, 40);
    const points = (found: Map<string, unknown>) =>
      [...found].filter(([, f]) => f !== null && typeof f === "object" && "point" in f).map(([id]) => id);
    const free = await withArmEndpoint(estate.armProvider, async (arm) =>
      points(await lookUp(arm, "all", jobs)),
    );
    expect(free.length).toBeGreaterThan(30);
    await withArmEndpoint(
      estate.armProvider,
      async (arm) => {
        expect(points(await lookUp(arm, "all", jobs)).sort()).toEqual(free.sort());
        // 10 reads in the bucket, then 20 a second: the first 16 in flight overran it and waited.
        expect(arm.throttled).toBeGreaterThan(0);
        expect(arm.requests.filter((r) => r.status === 429)).toHaveLength(arm.throttled);
        expect(arm.requests.filter((r) => r.status !== 429)).toHaveLength(jobs.length);
      },
      { readLimit: { burst: 10, perSecond: 20 }, latencyMs: 20 },
    );
  });
});
