/**
 * A local HTTPS stand-in for the part of Azure Resource Manager that backup-pulse reads: the recovery points of
 * a protected item, as `RecoveryServicesBackupClient.recoveryPoints.list(...)` of
 * `@azure/arm-recoveryservicesbackup` requests them:
 *
 *   GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{vault}
 *       /backupFabrics/Azure/protectionContainers/{container}/protectedItems/{item}/recoveryPoints
 *       ?api-version=2023-06-01[&$filter=startDate eq '...' and endDate eq '...']
 *
 * and `.../recoveryPoints/{name}` for one point; a vault's inventory, `…/vaults/{vault}/backupPolicies` and
 * `…/vaults/{vault}/backupProtectedItems` (arm-inventory.ts); and a job's details and a VM's Activity Log
 * (arm-evidence.ts). Answers `{ value: [...], nextLink? }` in pages; the SDK follows
 * `nextLink` verbatim. The points come from a provider supplied by the caller. Like ARM it requires a bearer
 * token and an api-version, throttles with 429 + Retry-After (seconds), answers unknown items with 404 and an
 * `{ error: { code, message } }` body, and records every request.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type {
  ArmEndpoint,
  ArmEndpointOptions,
  ArmFault,
  LocalRecoveryPoint,
  RecordedArmRequest,
  RecoveryPointsRef,
} from "./arm-contract.js";
import {
  INVENTORY_PATH,
  itemResource,
  policyResource,
  sqlItemResource,
  type VaultRef,
} from "./arm-inventory.js";
import { evidenceAnswer } from "./arm-evidence.js";
import { ReadLimiter } from "./arm-read-limit.js";
import { inWindow, parseRecoveryPointFilter, pointResource } from "./arm-recovery-points.js";
import {
  bearerToken,
  delay,
  FaultQueue,
  InFlightGauge,
  listenLoopback,
  readBody,
  sendJson,
} from "./loopback-server.js";

export type * from "./arm-contract.js";

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

/** The protected item a recovery-points path addresses, with its fabric and the point's name if one is named. */
interface ItemRoute {
  ref: Omit<RecoveryPointsRef, "filter">;
  fabric: string;
  pointName: string | undefined;
}

function itemRoute(req: IncomingMessage, url: URL): ItemRoute | Answer {
  const match = ITEM_PATH.exec(url.pathname);
  if (req.method !== "GET" || !match) {
    return armError(
      404,
      "NotFound",
      `No route for ${req.method} ${url.pathname}: this stand-in serves only recovery points and vault inventories.`,
    );
  }
  const [, sub, rg, vault, fabric, container, item, pointName] = match.map((part) =>
    part === undefined ? undefined : decodeURIComponent(part),
  );
  if (!sub || !rg || !vault || !fabric || !container || !item) {
    return armError(404, "NotFound", `No route for ${url.pathname}.`);
  }
  return { ref: { subscriptionId: sub, resourceGroup: rg, vault, container, item }, fabric, pointName };
}

function itemPath({ ref, fabric }: ItemRoute): string {
  return (
    `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.RecoveryServices` +
    `/vaults/${ref.vault}/backupFabrics/${fabric}/protectionContainers/${ref.container}/protectedItems/${ref.item}`
  );
}

export async function startArmEndpoint(options: ArmEndpointOptions): Promise<ArmEndpoint> {
  const requests: RecordedArmRequest[] = [];
  const gauge = new InFlightGauge();
  const faults = new FaultQueue<ArmFault>();
  let expectedToken = options.expectedToken;
  const pageSize = Math.max(1, options.pageSize ?? 200);
  let origin = "";
  const limiter = options.readLimit ? new ReadLimiter(options.readLimit) : null;

  const takeFault = (item: string | null): ArmFault | undefined => faults.take(item?.toLowerCase() ?? null);

  const authenticate = (req: IncomingMessage): Answer | null => {
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
    return null;
  };

  /** One page of a list, with a `nextLink` (same query, `$skiptoken`) when more follow. */
  const page = (url: URL, record: RecordedArmRequest, apiVersion: string, all: unknown[]) => {
    const offset = Math.max(0, Number(record.skipToken ?? "0") || 0);
    const value = all.slice(offset, offset + pageSize);
    const body: { value: unknown[]; nextLink?: string } = { value };
    if (offset + pageSize < all.length) {
      const next = new URL(url.pathname, origin);
      next.searchParams.set("api-version", apiVersion);
      if (record.filter !== null) next.searchParams.set("$filter", record.filter);
      next.searchParams.set("$skiptoken", String(offset + pageSize));
      body.nextLink = next.toString();
    }
    return { body, count: value.length };
  };

  /** One page of the item's points inside the `$filter` window, with a `nextLink` when more follow. */
  const listAnswer = (
    url: URL,
    record: RecordedArmRequest,
    apiVersion: string,
    path: string,
    points: LocalRecoveryPoint[],
  ): Answer => {
    const window =
      options.applyFilter === false ? null : parseRecoveryPointFilter(record.filter ?? undefined);
    const kept = points.filter((p) => inWindow(p, window)).map((p) => pointResource(path, p));
    const { body, count } = page(url, record, apiVersion, kept);
    return { status: 200, body, fault: null, points: count };
  };

  /** A vault's policies or protected items (Azure VMs only, as the `$filter` asks). */
  const inventoryAnswer = (url: URL, record: RecordedArmRequest, match: RegExpExecArray): Answer => {
    const [, sub = "", rg = "", vaultName = "", list = ""] = match.map((p) => decodeURIComponent(p));
    const vault: VaultRef = { subscriptionId: sub, resourceGroup: rg, vault: vaultName };
    record.kind = list.toLowerCase() === "backuppolicies" ? "backupPolicies" : "backupProtectedItems";
    record.vault = `${sub}/${rg}/${vaultName}`;
    if (record.apiVersion === null) {
      return armError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    }
    const fault = takeFault(null);
    if (fault !== undefined) return faultAnswer(fault);
    const inventory = options.inventory ? options.inventory(vault) : { policies: [], items: [] };
    if (inventory === null) {
      return armError(
        404,
        "ResourceNotFound",
        `The Resource 'Microsoft.RecoveryServices/vaults/${vaultName}' under resource group '${rg}' was not found.`,
      );
    }
    const workload =
      record.kind === "backupProtectedItems" &&
      /backupManagementType\s+eq\s+'AzureWorkload'/i.test(record.filter ?? "");
    if (!workload && !/backupManagementType\s+eq\s+'AzureIaasVM'/i.test(record.filter ?? "")) {
      return armError(
        400,
        "BMSUserErrorInvalidInput",
        "This stand-in answers only the Azure VM lists ($filter backupManagementType eq 'AzureIaasVM') " +
          "and the protected items of workloads in VMs (backupManagementType eq 'AzureWorkload').",
      );
    }
    const all = workload
      ? (inventory.sqlDatabases ?? []).map((d) => sqlItemResource(vault, d))
      : record.kind === "backupPolicies"
        ? inventory.policies.map((p) => policyResource(vault, p))
        : inventory.items.map((i) => itemResource(vault, i));
    const { body, count } = page(url, record, record.apiVersion, all);
    return { status: 200, body, fault: null, points: count };
  };

  const answer = async (req: IncomingMessage, url: URL, record: RecordedArmRequest): Promise<Answer> => {
    const refused = authenticate(req);
    if (refused !== null) return refused;
    const inventory = req.method === "GET" ? INVENTORY_PATH.exec(url.pathname) : null;
    if (inventory) {
      await delay(options.latencyMs ?? 0);
      return inventoryAnswer(url, record, inventory);
    }
    const evidence = req.method === "GET" ? evidenceAnswer(url, options.evidence ?? {}) : null;
    if (evidence !== null) {
      if (record.apiVersion === null) {
        return armError(400, "MissingApiVersionParameter", "The api-version query parameter is required.");
      }
      await delay(options.latencyMs ?? 0);
      return { ...evidence, fault: null, points: 0 };
    }
    const route = itemRoute(req, url);
    if ("status" in route) return route;
    const { ref, fabric, pointName } = route;
    record.ref = ref;
    record.kind = "recoveryPoints";
    record.vault = `${ref.subscriptionId}/${ref.resourceGroup}/${ref.vault}`;
    if (record.apiVersion === null) {
      return armError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    }
    const fault = takeFault(ref.item);
    if (fault !== undefined) return faultAnswer(fault);
    if (fabric.toLowerCase() !== "azure") {
      return armError(404, "BMSUserErrorFabricNotFound", `Backup fabric '${fabric}' was not found.`);
    }

    await delay(options.latencyMs ?? 0);
    const filter = record.filter ?? undefined;
    const result = await options.provider({ ...ref, ...(filter === undefined ? {} : { filter }) });
    if (result === null) {
      return armError(
        404,
        "BMSUserErrorItemNotFound",
        `Protected item '${ref.item}' was not found in container '${ref.container}' of vault '${ref.vault}'.`,
      );
    }
    if (!Array.isArray(result)) {
      return armError(result.error.status, result.error.code, result.error.message);
    }
    if (pointName !== undefined) {
      const point = result.find((p) => p.name === pointName);
      return point === undefined
        ? armError(404, "BMSUserErrorRecoveryPointNotFound", `Recovery point '${pointName}' was not found.`)
        : { status: 200, body: pointResource(itemPath(route), point), fault: null, points: 1 };
    }
    return listAnswer(url, record, record.apiVersion, itemPath(route), result);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    await readBody(req).catch(() => "");
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const record: RecordedArmRequest = {
      kind: "other",
      vault: null,
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
    let remaining = "11999";
    try {
      const verdict = limiter?.take(url.pathname) ?? null;
      if (verdict && !verdict.allowed) {
        result = faultAnswer({ throttled: { retryAfterSeconds: verdict.retryAfterSeconds } });
        remaining = "0";
      } else {
        if (verdict) remaining = String(verdict.remaining);
        result = await answer(req, url, record);
      }
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
      "x-ms-ratelimit-remaining-subscription-reads": remaining,
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
    get throttled() {
      return limiter?.throttled ?? 0;
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
