/**
 * Recovery points as ARM reads and serves them: the time window of a `$filter`, each point as an ARM resource,
 * and the pages of a list with their `nextLink`.
 */
import type { LocalRecoveryPoint } from "./arm-contract.js";

export const RECOVERY_POINT_TYPE =
  "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints";

export interface RecoveryPointWindow {
  startMs: number | null;
  endMs: number | null;
}

/** `2026-11-24 02:09:47 AM` (the form the Azure tools send) or any ISO-8601 text; treated as UTC. */
function parseFilterDate(text: string): number | null {
  const us = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(AM|PM)$/i.exec(text.trim());
  if (us) {
    const [, y, mo, d, h, mi, s, ampm] = us;
    let hour = Number(h) % 12;
    if (ampm?.toUpperCase() === "PM") hour += 12;
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), hour, Number(mi), Number(s));
  }
  const iso = text.trim();
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso.replace(" ", "T")}Z`);
  return Number.isNaN(ms) ? null : ms;
}

/** Reads the `startDate eq '...'` and `endDate eq '...'` terms of a recovery-point `$filter`. */
export function parseRecoveryPointFilter(filter: string | null | undefined): RecoveryPointWindow {
  const term = (name: string): number | null => {
    const match = new RegExp(`\\b${name}\\s+eq\\s+'([^']*)'`, "i").exec(filter ?? "");
    return match?.[1] === undefined ? null : parseFilterDate(match[1]);
  };
  return { startMs: term("startDate"), endMs: term("endDate") };
}

function timeMs(value: Date | string | number): number {
  if (value instanceof Date) return value.getTime();
  return typeof value === "number" ? value : Date.parse(value);
}

/** One point as the ARM resource `recoveryPoints.list` returns. */
export function pointResource(itemPath: string, point: LocalRecoveryPoint): unknown {
  const time = timeMs(point.recoveryPointTime);
  return {
    id: `${itemPath}/recoveryPoints/${point.name}`,
    name: point.name,
    type: RECOVERY_POINT_TYPE,
    properties: {
      objectType: point.objectType ?? "IaasVMRecoveryPoint",
      recoveryPointType: point.recoveryPointType,
      recoveryPointTime: Number.isNaN(time) ? String(point.recoveryPointTime) : new Date(time).toISOString(),
      recoveryPointAdditionalInfo: "",
      sourceVMStorageType: "NormalStorage",
      isSourceVMEncrypted: false,
      isInstantIlrSessionActive: false,
      recoveryPointTierDetails: [{ type: "HardenedRP", status: "Valid" }],
      isManagedVirtualMachine: true,
      originalStorageAccountOption: false,
      ...point.properties,
    },
  };
}

/** Whether a point's time lies in the window (always, without one). */
export function inWindow(point: LocalRecoveryPoint, window: RecoveryPointWindow | null): boolean {
  if (window === null) return true;
  const t = timeMs(point.recoveryPointTime);
  return (window.startMs === null || t >= window.startMs) && (window.endMs === null || t <= window.endMs);
}
