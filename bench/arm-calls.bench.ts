// Benchmark: the ARM calls of the daily run ON THE DEFAULT SETTINGS (recovery points `warnings`, look-back 2
// days) for a fleet of 10,000 VMs (10 vaults in 4 subscriptions, about 42 % Linux, 3 % of jobs with warnings
// and 2 % failed every day) over 8 days, each day a real `runDaily` through the real SDK clients: Log Analytics
// from the local endpoint, recovery points and the vaults' inventory from the local ARM endpoint, which
// answers after 150 ms and throttles reads as ARM does (a bucket of 250 reads per subscription that refills
// at 25 a second, 429 with Retry-After), and the store in Azurite. Prints each day's calls by kind, the 429s
// and the run's time, and judges the target: at most 1,500 ARM calls a day for 10,000 VMs.
// Environment: BENCH_ARM_VMS (default 10000), BENCH_ARM_DAYS (default 8), BENCH_ARM_LATENCY_MS (default 150).
import { loadavg } from "node:os";
import { generateJobRows } from "../src/demo/bulk-rows.js";
import { addDays } from "../src/domain/days.js";
import { startArmEndpoint, type LocalRecoveryPoint } from "../src/local/arm-endpoint.js";
import type { LocalPolicy, LocalProtectedItem } from "../src/local/arm-inventory.js";
import { startLogsEndpoint, type LogsProvider } from "../src/local/logs-endpoint.js";
import { runDaily } from "../src/pipeline/daily.js";
import { startAzurite, defaultRun } from "./services.js";
import { judge } from "./targets.js";

const VMS = Number(process.env.BENCH_ARM_VMS ?? 10_000);
const DAYS = Number(process.env.BENCH_ARM_DAYS ?? 8);
const LATENCY_MS = Number(process.env.BENCH_ARM_LATENCY_MS ?? 150);
const LAST_DAY = "2026-11-24";
const FIRST_DAY = addDays(LAST_DAY, -(DAYS - 1));
const WORKSPACE = "2c4e6a8b-1d3f-4a5b-9c7d-8e0f1a2b3c4d";
const DAY_MS = 86_400_000;
const TARGET = Math.round((1_500 * VMS) / 10_000);

// The same fleet every day (one job per VM a day, the same VMs with warnings): the first day's rows, moved a
// day at a time, each day's jobs with their own IDs.
const base = generateJobRows(VMS, { date: FIRST_DAY });
const col = (name: string): number => base.columns.findIndex((c) => c.name === name);
const [TG, ID, START, STATUS, OS, VM_ID, VAULT] = [
  "TimeGenerated",
  "JobUniqueId",
  "JobStartDateTime",
  "JobStatus",
  "ProtectedContainerOSType",
  "DatasourceResourceId",
  "VaultName",
].map(col) as [number, number, number, number, number, number, number];
const shifted = (row: unknown[], day: number): unknown[] => {
  const out = [...row];
  out[TG] = new Date(Date.parse(String(row[TG])) + day * DAY_MS).toISOString();
  out[START] = new Date(Date.parse(String(row[START])) + day * DAY_MS).toISOString();
  const id = String(row[ID]);
  out[ID] = `${id.slice(0, -4)}${(parseInt(id.slice(-4), 16) ^ day).toString(16).padStart(4, "0")}`;
  return out;
};
const rows = Array.from({ length: DAYS }, (_, day) => base.rows.map((r) => shifted(r, day))).flat();

const logsProvider: LogsProvider = (req) => {
  if (req.queryName !== "jobs" || req.workspaceId !== WORKSPACE) return { columns: base.columns, rows: [] };
  const from = Date.parse(req.params.rangeStart ?? "");
  const to = Date.parse(req.params.rangeEnd ?? "");
  return {
    columns: base.columns,
    rows: rows.filter((r) => {
      const t = Date.parse(String(r[START]));
      return t >= from && t < to;
    }),
  };
};

// Each VM's daily points: file-system consistent on the days of a warning (and for Linux without scripts),
// else application-consistent; every VM protected by one daily policy.
const points = new Map<string, LocalRecoveryPoint[]>();
const items = new Map<string, LocalProtectedItem[]>();
for (const r of rows) {
  if (r[STATUS] === "InProgress") continue;
  const vm = String(r[VM_ID]).split("/").at(-1)?.toLowerCase() ?? "";
  const type =
    r[STATUS] === "CompletedWithWarnings" || r[OS] === "Linux" ? "FileSystemConsistent" : "AppConsistent";
  const at = Date.parse(String(r[START])) + 5 * 60_000;
  const list = points.get(vm) ?? [];
  if (!list.some((p) => p.name === String(at)))
    list.push({ name: String(at), recoveryPointType: type, recoveryPointTime: at });
  points.set(vm, list);
}
for (const r of base.rows) {
  const vault = String(r[VAULT]).toLowerCase();
  const list = items.get(vault) ?? [];
  if (!list.some((i) => i.vmId === r[VM_ID])) list.push({ vmId: String(r[VM_ID]), policy: "DailyPolicy" });
  items.set(vault, list);
}
const daily: LocalPolicy = { name: "DailyPolicy", frequency: "Daily", times: ["22:00"] };

const [azurite, logs, arm] = await Promise.all([
  startAzurite(),
  startLogsEndpoint({ provider: logsProvider }),
  startArmEndpoint({
    provider: (ref) => points.get(ref.item.split(";").at(-1)?.toLowerCase() ?? "") ?? null,
    inventory: (vault) => ({ policies: [daily], items: items.get(vault.vault.toLowerCase()) ?? [] }),
    latencyMs: LATENCY_MS,
    readLimit: { burst: 250, perSecond: 25 },
  }),
]);
try {
  const { config, deps } = await defaultRun({
    workspaceId: WORKSPACE,
    logsEndpoint: logs.endpoint,
    armEndpoint: arm.endpoint,
    tablesConnection: azurite.connectionString,
  });
  const subscriptions = new Set(base.rows.map((r) => String(r[VM_ID]).split("/")[2])).size;
  process.stdout.write(
    `${VMS.toLocaleString("en-US")} VMs in ${base.vaults} vaults and ${subscriptions} subscriptions, ` +
      `${rows.filter((r) => r[OS] === "Linux" && r[STATUS] !== "InProgress").length / DAYS} Linux; ` +
      `PULSE_RECOVERY_POINTS=${config.recoveryPoints}, look-back ${config.lookbackDays} days; ` +
      `ARM answers after ${LATENCY_MS} ms, 250 reads a subscription refilled at 25/s\n\n` +
      `${"day".padEnd(11)} ${"look-ups".padStart(9)} ${"inventory".padStart(9)} ${"evidence".padStart(9)} ${"calls".padStart(6)} ${"429s".padStart(5)} ${"reused".padStart(7)} ${"run".padStart(8)}\n`,
  );
  const perDay: { date: string; calls: number; seconds: number }[] = [];
  for (let d = FIRST_DAY; d <= LAST_DAY; d = addDays(d, 1)) {
    const before = arm.requests.length;
    const started = performance.now();
    const result = await runDaily(config, deps, { date: d });
    const seconds = (performance.now() - started) / 1000;
    const made = arm.requests.slice(before);
    const ok = made.filter((r) => r.status !== 429);
    const kind = (k: string) => ok.filter((r) => r.kind === k).length;
    const lookUps = kind("recoveryPoints");
    const inventory = kind("backupPolicies") + kind("backupProtectedItems");
    const evidence = ok.length - lookUps - inventory;
    perDay.push({ date: d, calls: ok.length, seconds });
    process.stdout.write(
      `${d.padEnd(11)} ${String(lookUps).padStart(9)} ${String(inventory).padStart(9)} ${String(evidence).padStart(9)} ` +
        `${String(ok.length).padStart(6)} ${String(made.length - ok.length).padStart(5)} ` +
        `${String(result.recoveryPoints.reused).padStart(7)} ${`${seconds.toFixed(1)} s`.padStart(8)}\n`,
    );
  }
  // The first day is a fleet's first run (nothing stored to reuse): the daily figure is the days after it.
  const steady = perDay.slice(1);
  const most = Math.max(...steady.map((p) => p.calls));
  const least = Math.min(...steady.map((p) => p.calls));
  process.stdout.write(
    `\ncalls a day after the first run: ${least}–${most} (${(most / VMS).toFixed(3)} a VM); under ARM's read ` +
      `limit (25 a second per subscription, ${subscriptions} subscriptions) that is at least ` +
      `${(most / (25 * subscriptions)).toFixed(1)} s of look-ups; load average ${loadavg()[0]?.toFixed(1) ?? "?"}\n`,
  );
  process.exitCode = judge([
    {
      figure: `ARM calls a day for ${VMS.toLocaleString("en-US")} VMs: ${most} ≤ ${TARGET}`,
      met: most <= TARGET,
    },
  ]);
} finally {
  await Promise.all([logs.close(), arm.close()]);
  azurite.close();
}
