/**
 * What the alert renderers read from an alert. The alert rules' `Alert` has these fields, so it fits as is.
 */
export interface AlertView {
  /** The alert's main reason. */
  rule: string;
  /** Every rule that fired for the job, the main one first (absent: just `rule`). */
  rules?: readonly string[];
  vm: string;
  vault: string;
  /**
   * What to show for the VM and the vault: their names, plus resource group (and subscription) where another
   * VM or vault of the same name was read. Absent: the names.
   */
  vmLabel?: string;
  vaultLabel?: string;
  jobId: string;
  /** ISO-8601 time of the job that fired the rule. */
  at: string;
  title: string;
  detail: string;
  errorCode: string | null;
  action: string | null;
  /** Further advice (e.g. the SQL Server copy-only VSS setting), each shown on its own line. */
  hints?: readonly string[];
  docUrl: string | null;
}

/** A rendered payload, ready for the poster. */
export interface RenderedPayload {
  format: "teams" | "slack" | "generic" | "email";
  contentType: string;
  body: string;
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
