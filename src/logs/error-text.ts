/**
 * What of a Log Analytics error may be shown and posted. The service's answer is text anyone between here and
 * the service could have written (a proxy's page, a crafted endpoint); the workspace's reason goes into the
 * digest, the run record and chat messages. Kept: the HTTP status, a service error code of the documented
 * shape, and a short, single-line message with hidden characters shown as escapes and no URL or tag in it.
 */
import { visible } from "../domain/visible-text.js";

/** Longest service message kept, in characters. */
export const SERVICE_MESSAGE_CHARS = 120;

/** A service error code (`BadArgumentError`, `InsufficientAccessError`, `ECONNRESET`), or null for anything else. */
export function serviceCode(code: unknown): string | null {
  return typeof code === "string" && /^[A-Za-z][A-Za-z0-9_.]{0,63}$/.test(code) ? code : null;
}

/**
 * The first line of a service message, URLs and angle brackets (mentions, tags) removed, hidden characters
 * shown, cut to SERVICE_MESSAGE_CHARS.
 */
export function serviceMessage(text: string): string {
  const line = visible(
    (text.split(/\r?\n/)[0] ?? "")
      .replace(/[a-z][a-z0-9+.-]*:\/\/[^\s)\]>]*/gi, "(a URL)")
      .replace(/[<>]/g, ""),
  )
    .replace(/\s+/g, " ")
    .trim();
  return line.length <= SERVICE_MESSAGE_CHARS ? line : `${line.slice(0, SERVICE_MESSAGE_CHARS - 1)}…`;
}
