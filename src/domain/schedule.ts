/**
 * Backup schedules and what is expected of a VM on a day (pure). A policy runs daily, on some days of the
 * week, or every few hours within a window (Enhanced policies), at clock times of the policy's own time zone.
 * "No backup job" is said only of a VM whose policy was due that day (a run time falls inside the calendar
 * day of `PULSE_TIMEZONE`) and that had no job. An item whose protection was stopped, or that is gone from
 * its vault, is expected nothing: the digest says so once and then drops it. Without the vault's inventory
 * (recovery points `off`, or the vault could not be listed) the schedule is unknown, so a VM is due daily,
 * until it has had no job for more than {@link LAPSE_DAYS} days: then it is no longer expected (said once).
 */
import { addDays, daysBetween, dayOf, wallClockInstant } from "./days.js";
import { WINDOWS_ZONES } from "./windows-zones.js";

export const WEEKDAYS = [
  "Sunday",
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface BackupSchedule {
  frequency: "daily" | "weekly" | "hourly";
  /** Weekly: the days it runs, in the policy's time zone (empty otherwise). */
  days: Weekday[];
  /** Clock times `HH:MM` in the policy's time zone: the run times, or the start of an hourly window. */
  times: string[];
  /** Hourly: hours between runs within the window. */
  intervalHours: number | null;
  /** Hourly: the window's length in hours. */
  windowHours: number | null;
  /** The policy's time zone as ARM names it (`Pacific Standard Time`, or an IANA name); null: UTC. */
  timeZone: string | null;
}

/** A backup policy as far as the expectations need it. */
export interface PolicyFacts {
  name: string;
  /** Lower-case ARM resource ID of the policy, when known. */
  id: string | null;
  /** `V2` = Enhanced policy. */
  type: "V1" | "V2";
  schedule: BackupSchedule | null;
  /** `snapshotConsistencyType = OnlyCrashConsistent`: every point is crash-consistent by design. */
  crashOnly: boolean;
}

/** Protection states in which no backup is taken. */
const RETIRED_STATES = new Set(["protectionstopped", "protectionpaused", "backupssuspended"]);

export function isRetiredState(state: string | null | undefined): boolean {
  return RETIRED_STATES.has((state ?? "").toLowerCase());
}

/** Days without a job after which a VM whose schedule is unknown is no longer expected. */
export const LAPSE_DAYS = 14;

/** The IANA zone of a policy's time zone name; UTC when it is not known. */
export function policyZone(name: string | null | undefined): string {
  const n = (name ?? "").trim();
  if (n === "") return "UTC";
  const windows =
    WINDOWS_ZONES[n] ?? Object.entries(WINDOWS_ZONES).find(([k]) => k.toLowerCase() === n.toLowerCase())?.[1];
  if (windows) return windows;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: n }).resolvedOptions().timeZone;
  } catch {
    return "UTC";
  }
}

function minutesOf(time: string): number | null {
  const m = /^(\d{1,2}):(\d{2})/.exec(time);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Minutes after midnight (policy time zone) of each run of a run day; may pass 24 h for a late window. */
function runMinutes(schedule: BackupSchedule): number[] {
  const starts = schedule.times.map(minutesOf).filter((m): m is number => m !== null);
  if (schedule.frequency !== "hourly") return starts;
  const interval = Math.max(1, schedule.intervalHours ?? 24) * 60;
  const window = Math.max(1, schedule.windowHours ?? 24) * 60;
  const runs: number[] = [];
  for (const start of starts.length > 0 ? starts : [0]) {
    for (let m = start; m < start + window; m += interval) runs.push(m);
  }
  return runs;
}

function weekdayOf(date: string): Weekday {
  return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()] ?? "Sunday";
}

/**
 * Whether the schedule runs a backup during the calendar day `day` of time zone `tz` (a run time of the
 * policy, in the policy's time zone, that falls inside that day). No schedule: due every day.
 */
export function isDue(schedule: BackupSchedule | null | undefined, day: string, tz: string): boolean {
  if (!schedule) return true;
  // A fleet's VMs share a few policies: each schedule is worked out once per day and time zone.
  const known = dueByDay.get(schedule) ?? new Map<string, boolean>();
  dueByDay.set(schedule, known);
  const key = `${day}|${tz}`;
  let due = known.get(key);
  if (due === undefined) {
    due = dueOn(schedule, day, tz);
    known.set(key, due);
  }
  return due;
}

/** What {@link isDue} found, by schedule (as long as the schedule object lives), then day and time zone. */
const dueByDay = new WeakMap<BackupSchedule, Map<string, boolean>>();

function dueOn(schedule: BackupSchedule, day: string, tz: string): boolean {
  const runs = runMinutes(schedule);
  const runsOn = (d: string): boolean =>
    schedule.frequency !== "weekly" || schedule.days.includes(weekdayOf(d));
  if (runs.length === 0) return runsOn(day); // no clock time known: the policy's day is taken as the day
  const zone = policyZone(schedule.timeZone);
  for (const d of [addDays(day, -1), day, addDays(day, 1)]) {
    if (!runsOn(d)) continue;
    for (const m of runs) if (dayOf(wallClockInstant(d, m, zone), tz) === day) return true;
  }
  return false;
}

/** A short description of a schedule: `daily 22:00`, `weekly Sun 02:00`, `every 4 h from 08:00`. */
export function describeSchedule(schedule: BackupSchedule | null | undefined): string {
  if (!schedule) return "schedule unknown";
  const times = schedule.times.join(", ");
  const zone = schedule.timeZone ? ` (${schedule.timeZone})` : "";
  if (schedule.frequency === "hourly") {
    return `every ${schedule.intervalHours ?? "?"} h from ${times || "00:00"} for ${schedule.windowHours ?? 24} h${zone}`;
  }
  if (schedule.frequency === "weekly") {
    return `weekly ${schedule.days.map((d) => d.slice(0, 3)).join(", ")}${times ? ` ${times}` : ""}${zone}`;
  }
  return `daily${times ? ` ${times}` : ""}${zone}`;
}

/** What the vault's inventory says of a VM: its policy and protection state (absent: gone from the vault). */
export interface ItemFacts {
  policy: PolicyFacts | null;
  /** `Protected`, `ProtectionStopped`, `ProtectionPaused`, `BackupsSuspended`, … as ARM gives it. */
  protectionState: string | null;
}

/** What is expected of a known VM on a day without a job. */
export type Expectation =
  /** A job was due and none ran: "no backup job". */
  | { kind: "due"; policy: string | null }
  /** Its schedule did not run that day. */
  | { kind: "not-due"; policy: string | null }
  /** Protection stopped or gone from the vault; `announce` on the one digest that says so. */
  | { kind: "retired"; announce: boolean; reason: "stopped" | "gone"; state: string | null }
  /** Schedule unknown and no job for more than LAPSE_DAYS days; `announce` on the day it lapsed. */
  | { kind: "lapsed"; announce: boolean; days: number };

export interface ExpectationInput {
  /** The day judged (`PULSE_TIMEZONE`). */
  day: string;
  tz: string;
  /** The day of the VM's latest job (null: none known). */
  lastJobDay: string | null;
  /**
   * The vault's inventory: `undefined` when it was not read (recovery points off, or the list failed), else
   * the VM's item, or null when the vault does not hold it any more.
   */
  item: ItemFacts | null | undefined;
  /** The day an earlier run first found it retired (null: not yet). */
  retiredOn: string | null;
}

/** What is expected of a VM that had no job on `day`. */
export function expectationOn(input: ExpectationInput): Expectation {
  const { item, day } = input;
  if (item === undefined && input.retiredOn !== null && input.retiredOn <= day) {
    // Found retired by an earlier run; without today's inventory that still stands.
    return { kind: "retired", announce: input.retiredOn === day, reason: "stopped", state: null };
  }
  if (item === undefined) {
    const days = input.lastJobDay === null ? 0 : daysBetween(input.lastJobDay, day);
    if (days > LAPSE_DAYS) return { kind: "lapsed", announce: days === LAPSE_DAYS + 1, days };
    return { kind: "due", policy: null };
  }
  if (item === null || isRetiredState(item.protectionState)) {
    return {
      kind: "retired",
      announce: input.retiredOn === null || input.retiredOn === day,
      reason: item === null ? "gone" : "stopped",
      state: item?.protectionState ?? null,
    };
  }
  const policy = item.policy?.name ?? null;
  return isDue(item.policy?.schedule, day, input.tz) ? { kind: "due", policy } : { kind: "not-due", policy };
}
