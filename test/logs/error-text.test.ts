/**
 * A Log Analytics error answer reaches the digest as the failed workspace's reason. Only the status, a service
 * code of the documented shape and a short sanitised message are kept, read through the real LogsQueryClient
 * from the local endpoint.
 */
import { describe, expect, it } from "vitest";
import type { LogsProvider } from "../../src/local/logs-endpoint.js";
import { loopbackTls } from "../../src/local/tls.js";
import { SERVICE_MESSAGE_CHARS, serviceMessage } from "../../src/logs/error-text.js";
import { createLogsClient } from "../../src/logs/query-client.js";
import { queryJobs } from "../../src/logs/query.js";
import { staticCredential, withLogsEndpoint } from "../support/local-azure.js";

const HOSTILE =
  "The query is invalid. [Fix now](https://evil.example/login) <!channel> \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 *bold* " +
  "x".repeat(150) +
  " TAIL-MARKER\nSECOND-LINE raw body";

const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

async function reasons(provider: LogsProvider, workspaceIds: string[]): Promise<string[]> {
  return withLogsEndpoint(provider, async (logs) => {
    const client = createLogsClient({
      endpoint: logs.endpoint,
      scope: "https://api.loganalytics.example/.default",
      credential: staticCredential(),
      tlsCa: loopbackTls().ca,
      sdkRetry: { maxRetries: 0 },
      retry: { maxAttempts: 1 },
    });
    const { workspaces } = await queryJobs({
      client,
      workspaceIds,
      rangeStart: new Date("2026-11-24T00:00:00Z"),
      rangeEnd: new Date("2026-11-25T00:00:00Z"),
    });
    return workspaces.map((w) => w.error ?? "");
  });
}

describe("Log Analytics error text in the digest", () => {
  it("keeps the status, the code and a short sanitised message: no URL, no control character, no second line", async () => {
    const provider: LogsProvider = (r) => ({
      error: {
        status: 400,
        code: r.workspaceId === "ws-coded" ? "BadArgumentError" : "<!channel> [x](https://evil.example)",
        message: HOSTILE,
      },
    });
    const [coded, crafted] = await reasons(provider, ["ws-coded", "ws-crafted"]);
    for (const reason of [coded!, crafted!]) {
      expect(reason).toMatch(/^jobs query failed: 400\b/);
      expect(reason).not.toContain("evil.example");
      expect(reason).not.toContain("<!channel>");
      expect(reason).not.toContain("TAIL-MARKER");
      expect(reason).not.toContain("SECOND-LINE");
      expect(reason).not.toMatch(HIDDEN);
      // two queries per workspace, each with its short message
      expect(reason.length).toBeLessThan(2 * (SERVICE_MESSAGE_CHARS + 60));
    }
    expect(coded).toContain("400 BadArgumentError: The query is invalid. [Fix now]((a URL))");
    expect(crafted).toContain("jobs query failed: 400: The query is invalid.");
  });

  it("serviceMessage: first line, URLs removed, escapes shown, cut with an ellipsis", () => {
    expect(serviceMessage("Bad\u202e request at https://x.example/a?b=c\nrest")).toBe(
      "Bad\\u202e request at (a URL)",
    );
    const long = serviceMessage("y".repeat(500));
    expect(long).toHaveLength(SERVICE_MESSAGE_CHARS);
    expect(long.endsWith("…")).toBe(true);
  });
});
