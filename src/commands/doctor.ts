/**
 * `backup-pulse doctor [--send-test] [--format text|json]`: checks a deployment's settings, sign-in,
 * workspaces, vault access, table store and (with --send-test) webhook, one line per check with its fix.
 */
import { parseArgs } from "node:util";
import { doctorText, runDoctor } from "../pipeline/doctor.js";
import type { DepsOptions } from "../pipeline/deps.js";
import { writeChunk, type CommandIo } from "./io.js";

export const DOCTOR_USAGE = `Usage: backup-pulse doctor [--send-test] [--format text|json]

Checks, in order: the settings; which Azure credential signs in and that it gets a token for Log Analytics,
Azure Resource Manager and (with PULSE_TABLES_URL) Table Storage; each workspace in PULSE_WORKSPACE_IDS
(reachable, AddonAzureBackupJobs and CoreAzureBackup present with jobs in the last 48 h, legacy-only or
full AzureDiagnostics data); each vault seen in that data (recovery points readable through ARM); the
table store (a probe row written and removed); and with --send-test the webhook (a test message posted).
Each check prints one line with what was found and, when it fails, the exact fix.

Options:
  --send-test         post a test message to PULSE_WEBHOOK_URL
  --format text|json  text (default): ✓/✗ lines on stdout; json: { "checks": [ { name, ok, detail, fix } ] }

Exit codes: 0 every check passed, 1 a check failed, 2 bad usage.
`;

export async function runDoctorCommand(
  args: string[],
  io: CommandIo,
  depsOptions: DepsOptions = {},
  now?: () => number,
): Promise<number> {
  let values: { "send-test"?: boolean; format?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        "send-test": { type: "boolean" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr.write(
      `backup-pulse doctor: ${error instanceof Error ? error.message : String(error)} (see --help)\n`,
    );
    return 2;
  }
  if (values.help) {
    io.stdout.write(DOCTOR_USAGE);
    return 0;
  }
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json") {
    io.stderr.write(`backup-pulse doctor: --format must be text or json, not "${format.slice(0, 40)}"\n`);
    return 2;
  }
  const checks = await runDoctor({
    env: io.env,
    sendTest: values["send-test"] ?? false,
    deps: depsOptions,
    ...(now ? { now } : {}),
  });
  if (format === "json") await writeChunk(io.stdout, JSON.stringify({ checks }, null, 2) + "\n");
  else await writeChunk(io.stdout, doctorText(checks));
  return checks.every((c) => c.ok) ? 0 : 1;
}
