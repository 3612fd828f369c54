/**
 * What only legacy `AzureDiagnostics` rows need. Their `SchemaVersion_s` V1 rows are an older copy of the
 * same jobs (left out). Their job rows may lack the VM's name, OS or container, which the same export carries
 * on separate `BackupItem` and `ProtectedContainer` records: those are remembered as they are read, and the
 * jobs that need them are completed once every table has been read (the records may come after the jobs).
 */
import type { BackupJob } from "../domain/model.js";
import { cleanName, first, type Plan } from "./normalise-fields.js";
import { ownText } from "./normalise-intern.js";
import { lastSegment, readOs } from "./normalise-rules.js";

/** True for a table of legacy AzureDiagnostics rows. */
export function isLegacyTable(plan: Plan, columns: readonly unknown[]): boolean {
  return plan.schemaVersion.length > 0 || plan.containerId.some((i) => /_s$/i.test(cleanName(columns[i])));
}

/** True for a V1 row (the older copy of a legacy job row). */
export function isV1Row(plan: Plan, row: readonly unknown[]): boolean {
  return plan.schemaVersion.length > 0 && first(row, plan.schemaVersion).toUpperCase() === "V1";
}

/** A legacy job whose name or OS may come from a `BackupItem`/`ProtectedContainer` record read later. */
interface PendingNames {
  job: BackupJob;
  itemId: string;
  containerId: string;
}

/** Names and OS from legacy `BackupItem` and `ProtectedContainer` records, to describe legacy jobs. */
export class LegacyNames {
  private readonly itemNames = new Map<string, string>();
  private readonly containers = new Map<string, { name: string; os: string }>();
  private readonly pending: PendingNames[] = [];

  /** Remembers what a record (`operationName` in lower case) says of an item or a container. */
  remember(plan: Plan, row: readonly unknown[], operationName: string): void {
    if (operationName === "backupitem") {
      const id = first(row, plan.itemId);
      const name = first(row, plan.itemName);
      if (id !== "" && name !== "") this.itemNames.set(ownText(id.toLowerCase()), ownText(name));
    } else if (operationName === "protectedcontainer") {
      const id = first(row, plan.containerId);
      const name = first(row, plan.container) || first(row, plan.containerFriendlyName);
      if (id !== "") {
        this.containers.set(ownText(id.toLowerCase()), {
          name: ownText(name),
          os: ownText(first(row, plan.os)),
        });
      }
    }
  }

  /** Keeps a job whose VM name, OS or container is unknown, to complete it from the records. */
  defer(plan: Plan, row: readonly unknown[], job: BackupJob): void {
    if (job.vm !== "unknown" && job.os !== "unknown" && job.container !== null) return;
    const itemId = first(row, plan.itemId).toLowerCase();
    const containerId = first(row, plan.containerId).toLowerCase();
    if (itemId !== "" || containerId !== "") {
      this.pending.push({ job, itemId: ownText(itemId), containerId: ownText(containerId) });
    }
  }

  /** Completes the kept jobs that are still the winners of their job ID. */
  resolve(isWinner: (job: BackupJob) => boolean): void {
    for (const p of this.pending) {
      if (!isWinner(p.job)) continue;
      const record = p.containerId !== "" ? this.containers.get(p.containerId) : undefined;
      if (p.job.container === null && record && record.name !== "") p.job.container = record.name;
      if (p.job.os === "unknown" && record) p.job.os = readOs(record.os);
      if (p.job.vm === "unknown") {
        p.job.vm =
          (p.itemId !== "" ? this.itemNames.get(p.itemId) : undefined) ||
          (p.job.container !== null ? lastSegment(p.job.container, ";") : "") ||
          "unknown";
      }
    }
    this.pending.length = 0;
  }
}
