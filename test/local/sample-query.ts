/** A backup-pulse-style query with one `let` of each literal kind, as the local Log Analytics endpoint reads them. */
export const QUERY = [
  "// backup-pulse:vm-jobs",
  "let dayStart = datetime(2026-11-24T00:00:00.000Z);",
  'let vault = "rsv-\\"prod\\"\\\\west";',
  "let limit = 500;",
  'let vms = dynamic(["vm-a", "vm-b"]);',
  "AddonAzureBackupJobs",
  "| where JobStartDateTime >= dayStart",
].join("\n");
