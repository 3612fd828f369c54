/**
 * What the local ARM stand-in promises its callers: the provider of each protected item's recovery points, the
 * scripted faults, the record kept of every request, and the endpoint's handle. The server is arm-endpoint.ts.
 */
import type { InventoryProvider } from "./arm-inventory.js";

import type { ArmEvidenceProviders } from "./arm-evidence.js";
import type { ReadLimit } from "./arm-read-limit.js";

export interface RecoveryPointsRef {
  subscriptionId: string;
  resourceGroup: string;
  vault: string;
  /** e.g. `IaasVMContainer;iaasvmcontainerv2;rg-app;vm-app-01` (URL-decoded). */
  container: string;
  /** e.g. `VM;iaasvmcontainerv2;rg-app;vm-app-01` (URL-decoded). */
  item: string;
  /** The `$filter` text as sent, when there is one. */
  filter?: string;
}

/** One recovery point as the provider describes it. */
export interface LocalRecoveryPoint {
  /** The point's name (ARM: a numeric string). */
  name: string;
  /** e.g. `AppConsistent`, `FileSystemConsistent`, `CrashConsistent` (not an enum in ARM). */
  recoveryPointType: string;
  recoveryPointTime: Date | string | number;
  /** `objectType` (default `IaasVMRecoveryPoint`). */
  objectType?: string;
  /** More `properties` to send as they are (e.g. `osType`, `recoveryPointTierDetails`). */
  properties?: Record<string, unknown>;
}

export interface ArmProviderError {
  error: { status: number; code: string; message: string };
}

/** `null` means the protected item does not exist (404). */
export type RecoveryPointsProvider = (
  ref: RecoveryPointsRef,
) => LocalRecoveryPoint[] | ArmProviderError | null | Promise<LocalRecoveryPoint[] | ArmProviderError | null>;

/**
 * A scripted answer in place of the provider's:
 * - `throttled`: 429 `SubscriptionRequestsThrottled` with `Retry-After` (default 1 second), as ARM throttles;
 * - `unavailable`: 503; `server-error`: 500; `connection-reset`: no answer at all;
 * - or any status, code and message, with an optional Retry-After in seconds.
 */
export type ArmFault =
  | "throttled"
  | { throttled: { retryAfterSeconds: number } }
  | "unavailable"
  | "server-error"
  | "connection-reset"
  | { status: number; code: string; message: string; retryAfterSeconds?: number };

export interface RecordedArmRequest {
  /** What the path lists: a protected item's recovery points, or a vault's policies or protected items. */
  kind: "recoveryPoints" | "backupPolicies" | "backupProtectedItems" | "other";
  /** The vault addressed (`<sub>/<rg>/<vault>` as the path spells it), when the path names one. */
  vault: string | null;
  method: string;
  path: string;
  apiVersion: string | null;
  filter: string | null;
  skipToken: string | null;
  /** The item addressed, when the path names one. */
  ref: Omit<RecoveryPointsRef, "filter"> | null;
  authorization: string | null;
  status: number;
  fault: string | null;
  /** Points sent in this page. */
  points: number;
}

export interface ArmEndpointOptions {
  provider: RecoveryPointsProvider;
  /** Each vault's policies and protected items (default: every vault exists and is empty). */
  inventory?: InventoryProvider;
  /** Job details and Activity Logs (absent: every job 404, every VM without events). */
  evidence?: ArmEvidenceProviders;
  /** Points per page before a `nextLink` is given (default 200). */
  pageSize?: number;
  /** When set, any other bearer token is refused with 401 `InvalidAuthenticationToken`. */
  expectedToken?: string;
  /** Keep only the points whose time is inside the `$filter` window, as ARM does (default true). */
  applyFilter?: boolean;
  /** Delay before each answer, to make concurrency observable. */
  latencyMs?: number;
  /** Throttle reads per subscription as ARM does (absent: never; every answer says 11999 reads are left). */
  readLimit?: ReadLimit;
}

export interface ArmEndpoint {
  /** The value for `PULSE_ARM_ENDPOINT` / the client's `endpoint`: `https://127.0.0.1:PORT`. */
  endpoint: string;
  port: number;
  requests: RecordedArmRequest[];
  /** Highest number of requests seen in flight at once. */
  readonly maxInFlight: number;
  /** Reads answered 429 by the read limit. */
  readonly throttled: number;
  /** Queues scripted answers for the next requests, to one protected item (by item name) or to any. */
  failNext(faults: ArmFault | ArmFault[], options?: { item?: string }): void;
  clearFaults(): void;
  setExpectedToken(token: string | undefined): void;
  close(): Promise<void>;
}
