/**
 * One entry point per message kind: the digest or a batch of alerts, rendered for the configured format.
 */
import type { Digest } from "../domain/digest.js";
import { messagesFor, type Locale } from "../domain/messages/index.js";
import type { WebhookFormat } from "../config.js";
import type { AlertView, RenderedPayload } from "./alert.js";
import { genericAlerts, genericDigest } from "./generic.js";
import { slackAlerts, slackDigest } from "./slack.js";
import { teamsAlerts } from "./teams-alerts.js";
import { teamsDigest } from "./teams.js";

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

/** Alerts in the configured language (default English) with their times in `timeZone` (default UTC). */
export function renderAlert(
  format: WebhookFormat,
  alerts: readonly AlertView[],
  words: { locale?: Locale; timeZone?: string } = {},
): RenderedPayload {
  const messages = messagesFor(words.locale);
  switch (format) {
    case "teams":
      return teamsAlerts(alerts, { messages, timeZone: words.timeZone });
    case "slack":
      return slackAlerts(alerts, { messages, timeZone: words.timeZone });
    case "generic":
      return genericAlerts(alerts);
  }
}
