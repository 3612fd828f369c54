/**
 * The sample estate's backup jobs: one per VM per day, started in the evening, with the rows Log Analytics
 * receives for each (in-progress rows, final rows hours late, some after the next daily run, re-sent rows) and
 * the recovery point each finished job made.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, parseDate } from "./days.js";
import type { EstateVm } from "./fleet.js";
import {
  dayOutcome,
  pointTypeFor,
  runsOn,
  type Cast,
  type EstateStatus,
  type PointType,
} from "./scenarios.js";
import { between, guid } from "./seeded-random.js";

export interface EstateRow {
  timeGeneratedMs: number;
  status: EstateStatus | "InProgress";
  code: string;
}

export interface EstateJob {
  jobId: string;
  vm: EstateVm;
  date: string;
  startMs: number;
  durationSec: number;
  /** Final status; null for a job still running when the estate ends. */
  status: EstateStatus | null;
  code: string;
  rows: EstateRow[];
  point: { type: PointType; timeMs: number; id: string } | null;
}

/** The job `vm` ran on `date`, `daysFromEnd` days before the estate's last day. */
function dayJob(
  vm: EstateVm,
  slotMin: number,
  date: string,
  daysFromEnd: number,
  cast: Cast,
  rand: () => number,
): EstateJob {
  const startMs = parseDate(date) + 18 * HOUR_MS + slotMin * MINUTE_MS + between(rand, 0, 240) * 1000;
  const { status, code } = dayOutcome(cast, vm, daysFromEnd, rand());
  const durationSec = status === "Failed" ? between(rand, 300, 900) : between(rand, 900, 3600);
  const endJobMs = startMs + durationSec * 1000;
  const jobId = guid(rand);
  const rows: EstateRow[] = [];
  if (rand() < 0.3) {
    // reported while the job runs, always before its final row
    rows.push({
      timeGeneratedMs: startMs + between(rand, 1, 4) * MINUTE_MS,
      status: "InProgress",
      code: "",
    });
  }
  const running = daysFromEnd === 0 && cast.stillRunning.has(vm);
  let finalRowMs = endJobMs + between(rand, 20, 30) * MINUTE_MS;
  const lateRoll = rand();
  if (lateRoll < 0.02) {
    // arrives after the next morning's run
    finalRowMs = parseDate(date) + DAY_MS + 7 * HOUR_MS + between(rand, 30, 180) * MINUTE_MS;
  } else if (lateRoll < 0.05) {
    finalRowMs = endJobMs + between(rand, 3, 6) * HOUR_MS;
    finalRowMs = Math.min(finalRowMs, parseDate(date) + DAY_MS + 6 * HOUR_MS);
  }
  if (running) {
    if (rows.length === 0) {
      rows.push({ timeGeneratedMs: startMs + 25 * MINUTE_MS, status: "InProgress", code: "" });
    }
  } else {
    rows.push({ timeGeneratedMs: finalRowMs, status, code });
    if (rand() < 0.05)
      rows.push({ timeGeneratedMs: finalRowMs + between(rand, 1, 4) * HOUR_MS, status, code });
  }
  // Deallocated, crash-only by policy, or an Enhanced snapshot that fell back to crash on the last day.
  const crash = vm === cast.stopped || vm === cast.crashOnly || (vm === cast.enhanced && daysFromEnd === 0);
  const type = running ? null : pointTypeFor(vm, status, code, crash);
  return {
    jobId,
    vm,
    date,
    startMs,
    durationSec,
    status: running ? null : status,
    code,
    rows,
    point:
      type === null
        ? null
        : {
            type,
            timeMs: startMs + between(rand, 2, Math.min(10, Math.floor(durationSec / 60) - 1)) * MINUTE_MS,
            id: String(Math.floor(rand() * 9e15) + 1e15),
          },
  };
}

/**
 * Every VM's job on every day its policy and protection allow, VM by VM, drawn from `rand` in a fixed order
 * (a day without a job draws the same as one with, so the other jobs do not depend on it).
 */
export function generateJobs(vms: EstateVm[], days: string[], cast: Cast, rand: () => number): EstateJob[] {
  const jobs: EstateJob[] = [];
  vms.forEach((vm, index) => {
    const slotMin = (index * 7) % 330; // 18:00 to 23:30 UTC
    days.forEach((date, d) => {
      const daysFromEnd = days.length - 1 - d;
      const job = dayJob(vm, slotMin, date, daysFromEnd, cast, rand);
      if (runsOn(cast, vm, date, daysFromEnd)) jobs.push(job);
    });
  });
  return jobs;
}
