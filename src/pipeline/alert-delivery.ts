/**
 * Posting the alerts of one evaluation: all of them as one message through the outbox, under a key that the
 * same alerts for the same jobs always give (so a re-run never posts them twice). With nothing new, what an
 * earlier run could not post is retried.
 */
import { createHash } from "node:crypto";
import type { AlertView } from "../delivery/alert.js";
import type { Poster } from "../delivery/poster.js";
import { renderAlert } from "../delivery/render.js";
import type { Alert } from "../domain/alert-rules.js";
import { displayLabels } from "../domain/identity.js";
import type { Locale } from "../domain/messages/index.js";
import { visible } from "../domain/visible-text.js";
import type { WebhookTarget } from "../delivery/send.js";
import type { Outbox } from "../store/outbox.js";
import { deliver, flushPending, undeliveredLines, type DeliveryReport } from "./deliver.js";

/** The outbox key of a batch of alerts: the same alerts for the same jobs always give the same key. */
export function alertBatchKey(alerts: readonly Pick<Alert, "key" | "jobId">[]): string {
  const text = alerts
    .map((a) => `${a.key}@${a.jobId}`)
    .sort()
    .join("\n");
  return `alerts-${createHash("sha256").update(text, "utf8").digest("hex").slice(0, 24)}`;
}

/** The alerts of a message in a few words, e.g. "3 alert(s) on vm-a, vm-b": said if it is given up. */
function alertSummary(alerts: readonly Alert[]): string {
  const vms = [...new Set(alerts.map((a) => shortName(a.vm)))];
  const named = vms.slice(0, 3).join(", ") + (vms.length > 3 ? ` and ${vms.length - 3} more VM(s)` : "");
  return `${alerts.length} alert(s) on ${named}`;
}

/** A name for a short summary: hidden characters shown as escapes, at most 40 characters. */
function shortName(name: string): string {
  const chars = [...visible(name)];
  return chars.length > 40 ? `${chars.slice(0, 37).join("")}...` : chars.join("");
}

type Fleet = readonly { vm: string; vault: string; vmId?: string | null; vaultId?: string | null }[];

/**
 * What the renderers show of the alerts: each VM and vault by its label, told apart from the same-named ones
 * among the jobs read (`fleet`); a title that starts with the VM's name starts with its label.
 */
export function alertViews(alerts: readonly Alert[], fleet: Fleet): AlertView[] {
  const all = [...fleet, ...alerts];
  const vmLabel = displayLabels(all.map((x) => ({ name: x.vm, id: x.vmId })));
  const vaultLabel = displayLabels(all.map((x) => ({ name: x.vault, id: x.vaultId })));
  return alerts.map((a) => {
    const vm = vmLabel({ name: a.vm, id: a.vmId });
    return alertView(a, vm, vaultLabel({ name: a.vault, id: a.vaultId }));
  });
}

function alertView(alert: Alert, vmLabel: string, vaultLabel: string): AlertView {
  return {
    rule: alert.rule,
    rules: alert.rules,
    vm: alert.vm,
    vault: alert.vault,
    vmLabel,
    vaultLabel,
    jobId: alert.jobId,
    at: alert.at,
    title: alert.title.startsWith(`${alert.vm}:`)
      ? `${vmLabel}${alert.title.slice(alert.vm.length)}`
      : alert.title,
    detail: alert.detail,
    errorCode: alert.errorCode,
    action: alert.action,
    hints: alert.hints,
    docUrl: alert.docUrl,
  };
}

/**
 * Posts the alerts as the message `key` (null: nothing fired, so only what is pending for the webhook is
 * retried) and says what the outbox did.
 */
export async function postAlerts(
  alerts: readonly Alert[],
  key: string | null,
  to: { target: WebhookTarget; outbox: Outbox; poster: Poster },
  log: (line: string) => void,
  fleet: Fleet = [],
  words: { locale?: Locale; timeZone?: string } = {},
): Promise<DeliveryReport> {
  const { target, outbox, poster } = to;
  const delivery =
    key !== null
      ? await deliver({
          outbox,
          poster,
          items: [
            {
              kind: "alert",
              key,
              target,
              payload: renderAlert(target.format, alertViews(alerts, fleet), words),
              summary: alertSummary(alerts),
            },
          ],
        })
      : // Nothing new: still retry what an earlier run could not post.
        await flushPending({ outbox, poster, targets: [target] });
  for (const p of delivery.posted) log(`Posted the ${p.kind} message ${p.key} (HTTP ${p.status})`);
  for (const p of delivery.alreadyPosted) log(`The ${p.kind} message ${p.key} was already posted`);
  for (const p of delivery.inFlight) log(`The ${p.kind} message ${p.key} is being posted by another run`);
  for (const line of undeliveredLines(delivery, outbox.now())) log(line);
  return delivery;
}
