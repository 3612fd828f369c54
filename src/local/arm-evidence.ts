/**
 * The local ARM stand-in's answers beyond recovery points: a backup job's details and a VM's Activity Log,
 * shaped as Azure's REST examples show them:
 *
 *   GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{vault}/backupJobs/{job}
 *       → a `JobResource` whose `properties` is an `AzureIaaSVMJob` (`errorDetails`, `extendedInfo`);
 *   GET /subscriptions/{sub}/providers/Microsoft.Insights/eventtypes/management/values?$filter=…
 *       → `{ value: EventData[] }` (`operationName`, `status`, `eventTimestamp`, `resourceId`), filtered on
 *         `eventTimestamp ge/le` and `resourceUri eq` as ARM does.
 */

/** What the stand-in knows of one job's details. */
export interface LocalJobDetails {
  status: string;
  operation?: string;
  entityFriendlyName?: string;
  startTime?: string;
  /** The inner errors, as `errorDetails` carries them. */
  errors?: { errorCode?: number; errorString: string; errorTitle?: string; recommendations?: string[] }[];
}

/** One Activity Log event of a VM. */
export interface LocalActivityEvent {
  /** e.g. `Microsoft.Compute/virtualMachines/deallocate/action`. */
  operation: string;
  status?: string;
  time: string | number | Date;
}

export interface ArmEvidenceProviders {
  /** null: the job does not exist (404). */
  jobDetails?: (ref: {
    subscriptionId: string;
    resourceGroup: string;
    vault: string;
    job: string;
  }) => LocalJobDetails | null;
  /** The events of one VM (lower-case resource ID); [] when it has none. */
  activityLog?: (vmId: string) => LocalActivityEvent[];
}

export interface EvidenceAnswer {
  status: number;
  body: unknown;
}

const JOB_PATH =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.RecoveryServices\/vaults\/([^/]+)\/backupJobs\/([^/]+)\/?$/i;
const EVENTS_PATH =
  /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Insights\/eventtypes\/management\/values\/?$/i;

function notFound(code: string, message: string): EvidenceAnswer {
  return { status: 404, body: { error: { code, message } } };
}

function jobAnswer(match: RegExpExecArray, providers: ArmEvidenceProviders, path: string): EvidenceAnswer {
  const [, subscriptionId = "", resourceGroup = "", vault = "", job = ""] = match.map((p) =>
    decodeURIComponent(p),
  );
  const details = providers.jobDetails?.({ subscriptionId, resourceGroup, vault, job }) ?? null;
  if (details === null)
    return notFound("BMSUserErrorJobNotFound", `Job '${job}' was not found in vault '${vault}'.`);
  return {
    status: 200,
    body: {
      id: path,
      name: job,
      type: "Microsoft.RecoveryServices/vaults/backupJobs",
      properties: {
        jobType: "AzureIaaSVMJob",
        entityFriendlyName: details.entityFriendlyName,
        backupManagementType: "AzureIaasVM",
        operation: details.operation ?? "Backup",
        status: details.status,
        startTime: details.startTime,
        errorDetails: (details.errors ?? []).map((e) => ({
          errorCode: e.errorCode,
          errorString: e.errorString,
          errorTitle: e.errorTitle ?? "",
          recommendations: e.recommendations ?? [],
        })),
        extendedInfo: { tasksList: [], propertyBag: {} },
      },
    },
  };
}

/** `eventTimestamp ge '…' and eventTimestamp le '…' and resourceUri eq '…'`, as far as it can be read. */
function parseEventsFilter(filter: string | null): { from: number; to: number; resourceUri: string } | null {
  const from = /eventTimestamp\s+ge\s+'([^']+)'/i.exec(filter ?? "")?.[1];
  const to = /eventTimestamp\s+le\s+'([^']+)'/i.exec(filter ?? "")?.[1];
  const uri = /resourceUri\s+eq\s+'([^']+)'/i.exec(filter ?? "")?.[1];
  if (!from || !uri) return null;
  return { from: Date.parse(from), to: to ? Date.parse(to) : Date.now(), resourceUri: uri.toLowerCase() };
}

function eventsAnswer(match: RegExpExecArray, url: URL, providers: ArmEvidenceProviders): EvidenceAnswer {
  const subscription = decodeURIComponent(match[1] ?? "");
  const window = parseEventsFilter(url.searchParams.get("$filter"));
  if (window === null) {
    return {
      status: 400,
      body: {
        error: {
          code: "BadRequest",
          message: "The $filter must name an eventTimestamp range (ge, le) and a resourceUri.",
        },
      },
    };
  }
  const events = (providers.activityLog?.(window.resourceUri) ?? [])
    .map((e) => ({ ...e, ms: new Date(e.time).getTime() }))
    .filter((e) => e.ms >= window.from && e.ms <= window.to)
    .sort((a, b) => b.ms - a.ms);
  return {
    status: 200,
    body: {
      value: events.map((e, i) => ({
        eventName: { value: "EndRequest", localizedValue: "End request" },
        id: `${window.resourceUri}/events/${i}/ticks/${e.ms}`,
        level: "Informational",
        operationName: { value: e.operation, localizedValue: e.operation },
        resourceId: window.resourceUri,
        status: { value: e.status ?? "Succeeded", localizedValue: e.status ?? "Succeeded" },
        eventTimestamp: new Date(e.ms).toISOString(),
        submissionTimestamp: new Date(e.ms + 10_000).toISOString(),
        subscriptionId: subscription,
      })),
    },
  };
}

/** The answer to a job-details or Activity Log request; null when the path is neither. */
export function evidenceAnswer(url: URL, providers: ArmEvidenceProviders): EvidenceAnswer | null {
  const job = JOB_PATH.exec(url.pathname);
  if (job) return jobAnswer(job, providers, url.pathname);
  const events = EVENTS_PATH.exec(url.pathname);
  if (events) return eventsAnswer(events, url, providers);
  return null;
}
