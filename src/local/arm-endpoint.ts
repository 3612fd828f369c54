/**
 * A local HTTPS stand-in for the part of Azure Resource Manager that backup-pulse reads: the recovery points of
 * a protected item, as `RecoveryServicesBackupClient.recoveryPoints.list(...)` of
 * `@azure/arm-recoveryservicesbackup` requests them:
 *
 *   GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{vault}
 *       /backupFabrics/Azure/protectionContainers/{container}/protectedItems/{item}/recoveryPoints
 *       ?api-version=2023-06-01[&$filter=startDate eq '...' and endDate eq '...']
 *
 * and `.../recoveryPoints/{name}` for one point. Answers `{ value: [...], nextLink? }` in pages; the SDK follows
 * `nextLink` verbatim. The points come from a provider supplied by the caller. Like ARM it requires a bearer
 * token and an api-version, throttles with 429 + Retry-After (seconds), answers unknown items with 404 and an
 * `{ error: { code, message } }` body, and records every request.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  bearerToken,
  delay,
  FaultQueue,
  InFlightGauge,
  listenLoopback,
  readBody,
  sendJson,
} from "./loopback-server.js";

export const RECOVERY_POINT_TYPE =
  "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints";

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
  /** Points per page before a `nextLink` is given (default 200). */
  pageSize?: number;
  /** When set, any other bearer token is refused with 401 `InvalidAuthenticationToken`. */
  expectedToken?: string;
  /** Keep only the points whose time is inside the `$filter` window, as ARM does (default true). */
  applyFilter?: boolean;
  /** Delay before each answer, to make concurrency observable. */
  latencyMs?: number;
}

export interface ArmEndpoint {
  /** The value for `PULSE_ARM_ENDPOINT` / the client's `endpoint`: `https://127.0.0.1:PORT`. */
  endpoint: string;
  port: number;
  requests: RecordedArmRequest[];
  /** Highest number of requests seen in flight at once. */
  readonly maxInFlight: number;
  /** Queues scripted answers for the next requests, to one protected item (by item name) or to any. */
  failNext(faults: ArmFault | ArmFault[], options?: { item?: string }): void;
  clearFaults(): void;
  setExpectedToken(token: string | undefined): void;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------
// $filter

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

// ---------------------------------------------------------------------------------------------------------
// Server

const ITEM_PATH =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.RecoveryServices\/vaults\/([^/]+)\/backupFabrics\/([^/]+)\/protectionContainers\/([^/]+)\/protectedItems\/([^/]+)\/recoveryPoints(?:\/([^/]+))?\/?$/i;

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  reset?: boolean;
  fault: string | null;
  points: number;
}

function armError(status: number, code: string, message: string, fault: string | null = null): Answer {
  return { status, body: { error: { code, message } }, fault, points: 0 };
}

function faultAnswer(fault: ArmFault): Answer {
  if (fault === "throttled" || (typeof fault === "object" && "throttled" in fault)) {
    const seconds = fault === "throttled" ? 1 : fault.throttled.retryAfterSeconds;
    return {
      ...armError(
        429,
        "SubscriptionRequestsThrottled",
        `Number of read requests for this subscription exceeded the limit. Try again after ${seconds} seconds.`,
        "throttled",
      ),
      headers: { "retry-after": String(seconds) },
    };
  }
  switch (fault) {
    case "unavailable":
      return armError(503, "ServiceUnavailable", "The service is temporarily unavailable.", fault);
    case "server-error":
      return armError(500, "InternalServerError", "An internal error occurred.", fault);
    case "connection-reset":
      return { status: 0, reset: true, fault, points: 0 };
    default:
      return {
        ...armError(fault.status, fault.code, fault.message, fault.code),
        ...(fault.retryAfterSeconds === undefined
          ? {}
          : { headers: { "retry-after": String(fault.retryAfterSeconds) } }),
      };
  }
}

function pointResource(itemPath: string, point: LocalRecoveryPoint): unknown {
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

export async function startArmEndpoint(options: ArmEndpointOptions): Promise<ArmEndpoint> {
  const requests: RecordedArmRequest[] = [];
  const gauge = new InFlightGauge();
  const faults = new FaultQueue<ArmFault>();
  let expectedToken = options.expectedToken;
  const pageSize = Math.max(1, options.pageSize ?? 200);
  let origin = "";

  const takeFault = (item: string | null): ArmFault | undefined => faults.take(item?.toLowerCase() ?? null);

  const answer = async (req: IncomingMessage, url: URL, record: RecordedArmRequest): Promise<Answer> => {
    const token = bearerToken(req);
    if (token === null) {
      return armError(
        401,
        "AuthenticationFailed",
        "Authentication failed. The 'Authorization' header is missing.",
      );
    }
    if (expectedToken !== undefined && token !== expectedToken) {
      return armError(401, "InvalidAuthenticationToken", "The access token is invalid.");
    }
    const match = ITEM_PATH.exec(url.pathname);
    if (req.method !== "GET" || !match) {
      return armError(
        404,
        "NotFound",
        `No route for ${req.method} ${url.pathname}: this stand-in serves only recovery points.`,
      );
    }
    const [, sub, rg, vault, fabric, container, item, pointName] = match.map((part) =>
      part === undefined ? undefined : decodeURIComponent(part),
    );
    if (!sub || !rg || !vault || !fabric || !container || !item) {
      return armError(404, "NotFound", `No route for ${url.pathname}.`);
    }
    record.ref = { subscriptionId: sub, resourceGroup: rg, vault, container, item };
    if (record.apiVersion === null) {
      return armError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    }
    const fault = takeFault(item);
    if (fault !== undefined) return faultAnswer(fault);
    if (fabric.toLowerCase() !== "azure") {
      return armError(404, "BMSUserErrorFabricNotFound", `Backup fabric '${fabric}' was not found.`);
    }

    await delay(options.latencyMs ?? 0);
    const filter = record.filter ?? undefined;
    const result = await options.provider({ ...record.ref, ...(filter === undefined ? {} : { filter }) });
    const itemPath =
      `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.RecoveryServices/vaults/${vault}` +
      `/backupFabrics/${fabric}/protectionContainers/${container}/protectedItems/${item}`;
    if (result === null) {
      return armError(
        404,
        "BMSUserErrorItemNotFound",
        `Protected item '${item}' was not found in container '${container}' of vault '${vault}'.`,
      );
    }
    if (!Array.isArray(result)) {
      return armError(result.error.status, result.error.code, result.error.message);
    }
    if (pointName !== undefined) {
      const point = result.find((p) => p.name === pointName);
      return point === undefined
        ? armError(404, "BMSUserErrorRecoveryPointNotFound", `Recovery point '${pointName}' was not found.`)
        : { status: 200, body: pointResource(itemPath, point), fault: null, points: 1 };
    }

    const window = options.applyFilter === false ? null : parseRecoveryPointFilter(filter);
    const inWindow = result.filter((p) => {
      if (window === null) return true;
      const t = timeMs(p.recoveryPointTime);
      return (window.startMs === null || t >= window.startMs) && (window.endMs === null || t <= window.endMs);
    });
    const offset = Math.max(0, Number(record.skipToken ?? "0") || 0);
    const page = inWindow.slice(offset, offset + pageSize);
    const body: { value: unknown[]; nextLink?: string } = {
      value: page.map((p) => pointResource(itemPath, p)),
    };
    if (offset + pageSize < inWindow.length) {
      const next = new URL(url.pathname, origin);
      next.searchParams.set("api-version", record.apiVersion);
      if (filter !== undefined) next.searchParams.set("$filter", filter);
      next.searchParams.set("$skiptoken", String(offset + pageSize));
      body.nextLink = next.toString();
    }
    return { status: 200, body, fault: null, points: page.length };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    await readBody(req).catch(() => "");
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const record: RecordedArmRequest = {
      method: req.method ?? "",
      path: url.pathname,
      apiVersion: url.searchParams.get("api-version"),
      filter: url.searchParams.get("$filter"),
      skipToken: url.searchParams.get("$skiptoken"),
      ref: null,
      authorization: req.headers.authorization ?? null,
      status: 0,
      fault: null,
      points: 0,
    };
    gauge.enter();
    let result: Answer;
    try {
      result = await answer(req, url, record);
    } finally {
      gauge.leave();
    }
    record.status = result.status;
    record.fault = result.fault;
    record.points = result.points;
    requests.push(record);
    if (result.reset) {
      res.socket?.destroy();
      return;
    }
    sendJson(res, result.status, result.body, {
      "x-ms-request-id": randomUUID(),
      "x-ms-ratelimit-remaining-subscription-reads": "11999",
      ...result.headers,
    });
  };

  const server = await listenLoopback(handle);
  origin = server.origin;
  return {
    endpoint: server.origin,
    port: server.port,
    requests,
    get maxInFlight() {
      return gauge.max;
    },
    failNext(next, target = {}) {
      faults.add(next, target.item?.toLowerCase());
    },
    clearFaults() {
      faults.clear();
    },
    setExpectedToken(token) {
      expectedToken = token;
    },
    close: () => server.close(),
  };
}
