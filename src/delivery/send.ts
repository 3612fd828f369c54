/**
 * Sends a rendered payload to a delivery target: a generic payload is signed when the target has a secret
 * (the signature covers the exact body posted), and a failure becomes a message that is safe to store and
 * show (the webhook URL is a secret and never part of it).
 */
import type { WebhookFormat } from "../config.js";
import { signatureHeaders } from "./generic.js";
import type { Poster, PostResult } from "./poster.js";

/** Where a message goes. */
export interface DeliveryTarget {
  /** The webhook URL (a secret: used to post and to fingerprint, never stored or shown). */
  url: URL | string;
  /** `email`: the URL is `mailto:` with the recipients, and the e-mail sender sends it. */
  format: WebhookFormat | "email";
  /** HMAC key for generic payloads (PULSE_WEBHOOK_SECRET). */
  secret?: string | null;
}

/** A webhook target (PULSE_WEBHOOK_URL): digests and alerts. */
export interface WebhookTarget extends DeliveryTarget {
  format: WebhookFormat;
}

/** Posts `payload` to `target`, signed with the time `atMs` (epoch ms) when it is generic and a secret is set. */
export async function sendPayload(
  poster: Poster,
  target: DeliveryTarget,
  payload: { format: string; contentType: string; body: string },
  atMs: number,
): Promise<PostResult> {
  const headers =
    payload.format === "generic" && target.secret
      ? signatureHeaders(payload.body, target.secret, Math.floor(atMs / 1000))
      : undefined;
  return poster.post(target.url, {
    body: payload.body,
    contentType: payload.contentType,
    ...(headers ? { headers } : {}),
  });
}

/** A failed send as a message safe to store: the poster's own message, or only the error's type. */
export function failureMessage(error: unknown): string {
  // Poster and e-mail errors never carry the URL or a token; anything else is reduced to its type so no
  // secret can leak.
  return error instanceof Error && (error.name === "WebhookError" || error.name === "EmailError")
    ? error.message
    : `Posting failed (${error instanceof Error ? error.name : "unknown error"}).`;
}
