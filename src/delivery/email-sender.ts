/**
 * Sends a rendered e-mail (src/delivery/email.ts) through Azure Communication Services with the managed
 * identity (`@azure/communication-email`, a TokenCredential: no connection string, no key), and follows the
 * send's long-running operation (Operation-Location) to its end: `Succeeded` is delivered, `Failed` or
 * `Canceled` is a failed delivery, reported with the service's code and message.
 *
 * Never twice: each message has a fixed series of operation ids, derived from the message's key and its
 * recipients. Before sending, the sender reads the status of the id it would use: if an earlier run (or an
 * earlier try) already sent it, that operation is followed instead of sending again; only when it failed is
 * the next id of the series used. So a run that stopped after the service accepted the message, or whose
 * polling broke off, never leads to a second e-mail. The client's own retries are off for the same reason;
 * this loop retries, reading the status first.
 *
 * It is a Poster for `mailto:` targets, so the outbox delivers e-mail exactly as it delivers webhooks.
 */
import { createHash } from "node:crypto";
import { EmailClient, type EmailMessage } from "@azure/communication-email";
import type { TokenCredential } from "@azure/core-auth";
import type { EmailSettings } from "../config.js";
import { parseEmailPayload } from "./email.js";
import type { Poster, PostCallOptions, PostRequest, PostResult } from "./poster.js";

export const EMAIL_API_VERSION = "2025-09-01";

export interface EmailSenderOptions {
  credential: TokenCredential;
  settings: Pick<EmailSettings, "from" | "endpoint">;
  /** Extra CA (PEM) to trust: local endpoints only. */
  tlsCa?: string;
  /** Wait between status reads when the service names none (Retry-After). Default 2,000 ms. */
  pollIntervalInMs?: number;
  /** A send's whole life, every status read included. Default 120,000 ms. */
  totalTimeoutInMs?: number;
  /** Status reads or sends that fail on the network or with 5xx/429, tried again in one call. Default 3. */
  maxTries?: number;
  /** Operations (sends) a message may use in all, across runs. Default 10. */
  maxSends?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type EmailErrorKind = "failed" | "refused" | "unavailable" | "timeout" | "gave-up";

/** A failed e-mail delivery. The message is safe to store and show (no token, no key). */
export class EmailError extends Error {
  constructor(
    readonly kind: EmailErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "EmailError";
  }
}

/** The outbox target of an e-mail digest: its recipients, as a `mailto:` URL. */
export function emailTargetUrl(to: readonly string[]): URL {
  return new URL(`mailto:${to.join(",")}`);
}

function recipientsOf(url: URL | string): string[] {
  const u = typeof url === "string" ? new URL(url) : url;
  if (u.protocol !== "mailto:")
    throw new EmailError("refused", "An e-mail target must be a mailto: address list.");
  return decodeURIComponent(u.pathname)
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "");
}

/** Operation id `n` of a message: a UUID-shaped SHA-256 of its key, recipients and n. */
export function operationIdFor(messageKey: string, url: URL | string, n: number): string {
  const href = typeof url === "string" ? new URL(url).href : url.href;
  const h = createHash("sha256").update(`${messageKey}\n${href}\n${n}`, "utf8").digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type Status = { state: "absent" } | { state: "succeeded" } | { state: "unsuccessful"; detail: string };

interface RestLike {
  name?: string;
  statusCode?: number;
  code?: string;
  message?: string;
}

function restError(e: unknown): RestLike {
  return e !== null && typeof e === "object" ? e : {};
}

function transient(e: unknown): boolean {
  const r = restError(e);
  if (r.name === "AbortError") return false;
  if (r.statusCode === undefined) return r.name === "RestError" || r.name === "TypeError";
  return r.statusCode === 408 || r.statusCode === 429 || r.statusCode >= 500;
}

/** A status read or send that failed, as a message safe to store. */
function describe(e: unknown, what: string): string {
  const r = restError(e);
  if (r.name === "AbortError") return `${what}: the time allowed for the e-mail ran out`;
  const code = typeof r.code === "string" && /^[A-Za-z_]{2,64}$/.test(r.code) ? ` ${r.code}` : "";
  if (r.statusCode !== undefined) return `${what}: the e-mail service answered HTTP ${r.statusCode}${code}`;
  return `${what}: the e-mail service could not be reached${code}`;
}

function unsuccessful(error: unknown, status: string): string {
  const e = restError(error);
  const code = typeof e.code === "string" ? e.code : status;
  const message = typeof e.message === "string" ? e.message.slice(0, 200) : "";
  return message ? `${code}: ${message}` : code;
}

export function createEmailSender(options: EmailSenderOptions): Poster {
  const client = new EmailClient(options.settings.endpoint, options.credential, {
    retryOptions: { maxRetries: 0 },
    ...(options.tlsCa ? { tlsOptions: { ca: options.tlsCa } } : {}),
  });
  const pollIntervalInMs = options.pollIntervalInMs ?? 2000;
  const maxTries = options.maxTries ?? 3;
  const maxSends = options.maxSends ?? 10;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  /** Follows operation `id` to its end, or says it does not exist. */
  async function follow(id: string, message: EmailMessage, signal: AbortSignal): Promise<Status> {
    const operationLocation = `${options.settings.endpoint}/emails/operations/${id}?api-version=${EMAIL_API_VERSION}`;
    // The state @azure/core-lro serialises a poller to: resuming it reads the operation, it sends nothing.
    const resumeFrom = JSON.stringify({
      state: { status: "running", config: { metadata: { mode: "OperationLocation" }, operationLocation } },
    });
    try {
      return await settle(
        () =>
          client.beginSend(message, {
            resumeFrom,
            updateIntervalInMs: pollIntervalInMs,
            abortSignal: signal,
          }),
        signal,
      );
    } catch (e) {
      if (restError(e).statusCode === 404) return { state: "absent" };
      throw e;
    }
  }

  /**
   * Starts or resumes an operation and polls it to its end. The poller throws an Error when the operation
   * ended Failed ("The long-running operation has failed. <code>. <message>") or Canceled.
   */
  async function settle(
    start: () => ReturnType<EmailClient["beginSend"]>,
    signal: AbortSignal,
  ): Promise<Status> {
    try {
      const poller = await start();
      const result = await poller.pollUntilDone({ abortSignal: signal });
      if (result.status === "Succeeded") return { state: "succeeded" };
      return { state: "unsuccessful", detail: unsuccessful(result.error, result.status) };
    } catch (e) {
      if (e instanceof Error && e.message === "Operation was canceled") {
        return { state: "unsuccessful", detail: "Canceled" };
      }
      const failed =
        e instanceof Error ? /^The long-running operation has failed\.\s*(.*)$/s.exec(e.message) : null;
      if (failed) return { state: "unsuccessful", detail: (failed[1] ?? "").slice(0, 300) || "Failed" };
      throw e;
    }
  }

  /** Runs `step`, trying again (reading the status first) when it fails on the network or with 5xx/429. */
  async function withTries<T>(what: string, signal: AbortSignal, step: () => Promise<T>): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await step();
      } catch (e) {
        if (signal.aborted) throw new EmailError("timeout", describe({ name: "AbortError" }, what));
        if (!transient(e)) throw new EmailError("refused", describe(e, what));
        if (tries >= maxTries) throw new EmailError("unavailable", describe(e, what));
        await sleep(Math.min(pollIntervalInMs * 2 ** (tries - 1), 10_000));
      }
    }
  }

  return {
    async post(url: URL | string, request: PostRequest, call: PostCallOptions = {}): Promise<PostResult> {
      const to = recipientsOf(url);
      const payload = parseEmailPayload(request.body);
      const message: EmailMessage = {
        senderAddress: options.settings.from,
        content: { subject: payload.subject, html: payload.html, plainText: payload.plainText },
        recipients: { to: to.map((address) => ({ address })) },
      };
      const signals = [AbortSignal.timeout(options.totalTimeoutInMs ?? 120_000)];
      if (call.abortSignal) signals.push(call.abortSignal);
      const signal = AbortSignal.any(signals);
      let sends = 0;
      for (let n = 0; n < maxSends; n++) {
        const id = operationIdFor(payload.key, url, n);
        let status = await withTries("Reading the e-mail's status", signal, () =>
          follow(id, message, signal),
        );
        if (status.state === "absent") {
          // Not sent under this id yet: send it, then follow it. A send that fails on the way is tried again
          // only after reading the status, since the service may have accepted it.
          status = await withTries("Sending the e-mail", signal, async () => {
            const again = sends > 0 ? await follow(id, message, signal) : { state: "absent" as const };
            if (again.state !== "absent") return again;
            sends += 1;
            return settle(
              () =>
                client.beginSend(message, {
                  operationId: id,
                  updateIntervalInMs: pollIntervalInMs,
                  abortSignal: signal,
                }),
              signal,
            );
          });
          if (status.state === "succeeded") return { status: 202, attempts: n + 1 };
          if (status.state === "unsuccessful") {
            throw new EmailError(
              "failed",
              `The e-mail service did not deliver the e-mail (${status.detail}).`,
            );
          }
        }
        if (status.state === "succeeded") return { status: 200, attempts: n + 1 };
        // An earlier send of this message failed: the next id of the series sends it again.
      }
      throw new EmailError("gave-up", `The e-mail was sent ${maxSends} times and never delivered.`);
    },
  };
}
