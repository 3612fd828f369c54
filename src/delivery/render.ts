/**
 * One entry point per message kind: the digest or a batch of alerts, rendered for the configured format.
 */
import type { Digest } from "../domain/digest.js";
import type { WebhookFormat } from "../config.js";
import type { AlertView, RenderedPayload } from "./alert.js";
import { genericAlerts, genericDigest } from "./generic.js";
import { slackAlerts, slackDigest } from "./slack.js";
import { teamsAlerts, teamsDigest } from "./teams.js";

export type { AlertView, RenderedPayload } from "./alert.js";

export function renderDigest(format: WebhookFormat, digest: Digest): RenderedPayload {
  switch (format) {
    case "teams":
      return teamsDigest(digest);
    case "slack":
      return slackDigest(digest);
    case "generic":
      return genericDigest(digest);
  }
}

export function renderAlert(format: WebhookFormat, alerts: readonly AlertView[]): RenderedPayload {
  switch (format) {
    case "teams":
      return teamsAlerts(alerts);
    case "slack":
      return slackAlerts(alerts);
    case "generic":
      return genericAlerts(alerts);
  }
}
