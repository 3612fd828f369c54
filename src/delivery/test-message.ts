/**
 * The message `backup-pulse doctor --send-test` posts: one line saying the webhook works, in the configured
 * format (a Teams Adaptive Card, Slack text, or a generic JSON payload of kind `test`).
 */
import type { WebhookFormat } from "../config.js";
import type { RenderedPayload } from "./alert.js";
import { GENERIC_SCHEMA_VERSION } from "./generic.js";
import { card, envelope } from "./teams.js";

export const TEST_MESSAGE = "backup-pulse test message: this webhook receives the digest and alerts.";

export function testMessage(format: WebhookFormat, at: Date): RenderedPayload {
  const contentType = "application/json";
  switch (format) {
    case "teams":
      return {
        format,
        contentType,
        body: JSON.stringify(envelope(card([{ type: "TextBlock", text: TEST_MESSAGE, wrap: true }], []))),
      };
    case "slack":
      return { format, contentType, body: JSON.stringify({ text: TEST_MESSAGE }) };
    case "generic":
      return {
        format,
        contentType,
        body: JSON.stringify({
          schemaVersion: GENERIC_SCHEMA_VERSION,
          kind: "test",
          message: TEST_MESSAGE,
          sentAt: at.toISOString(),
        }),
      };
  }
}
