/** What a failed query means: back-off, Retry-After, messages for people, missing tables. */
import { describe, expect, it } from "vitest";
import type { LogsEndpoint } from "../../src/local/logs-endpoint.js";
import { SERVICE_MESSAGE_CHARS } from "../../src/logs/error-text.js";
import { backoffMs, describeQueryError, isRetryable, missingTableOf } from "../../src/logs/query-errors.js";
import { client } from "./local-query.js";

describe("query errors", () => {
  it("backs off exponentially with jitter, capped", () => {
    const retry = client({ endpoint: "https://127.0.0.1:1/v1" } as unknown as LogsEndpoint).client.retry;
    const steps = [1, 2, 3, 4, 5, 6, 7, 8].map((n) =>
      backoffMs({ ...retry, maxDelayMs: 20_000 }, n, new Error("x")),
    );
    expect(steps).toEqual([750, 1500, 3000, 6000, 12000, 15000, 15000, 15000]);
    const low = backoffMs({ ...retry, random: () => 0 }, 3, new Error("x"));
    const high = backoffMs({ ...retry, random: () => 0.999999 }, 3, new Error("x"));
    expect([low, high]).toEqual([2000, 4000]);
  });

  it("waits what Retry-After or retry-after-ms says, capped, instead of backing off", () => {
    const retry = client({ endpoint: "https://127.0.0.1:1/v1" } as unknown as LogsEndpoint).client.retry;
    const answered = (headers: Record<string, string>) => ({
      statusCode: 429,
      response: { headers: { get: (name: string) => headers[name] } },
    });
    expect(backoffMs(retry, 1, answered({ "retry-after": "7" }))).toBe(7_000);
    expect(backoffMs(retry, 1, answered({ "retry-after-ms": "250", "retry-after": "7" }))).toBe(250);
    expect(backoffMs(retry, 1, answered({ "x-ms-retry-after-ms": "1200" }))).toBe(1_200);
    expect(backoffMs({ ...retry, maxRetryAfterMs: 60_000 }, 1, answered({ "retry-after": "3600" }))).toBe(
      60_000,
    );
    // an HTTP date in the past means "now"; an unreadable value falls back to the back-off
    expect(backoffMs(retry, 1, answered({ "retry-after": "Tue, 01 Jan 2019 00:00:00 GMT" }))).toBe(0);
    expect(backoffMs(retry, 1, answered({ "retry-after": "soon" }))).toBe(750);
  });

  it("retries throttling, server errors and dropped connections, never a refusal or a cancellation", () => {
    for (const statusCode of [408, 429, 500, 502, 503, 504]) expect(isRetryable({ statusCode })).toBe(true);
    for (const statusCode of [400, 401, 403, 404]) expect(isRetryable({ statusCode })).toBe(false);
    expect(isRetryable({ code: "ECONNRESET" })).toBe(true);
    expect(isRetryable({ code: "EACCES" })).toBe(false);
    expect(isRetryable({ name: "AbortError", statusCode: 503 })).toBe(false);
  });

  it("says what failed and what to do, on one line", () => {
    const denied = {
      statusCode: 403,
      code: "InsufficientAccessError",
      message: "The user does not have access\nat ...",
    };
    expect(describeQueryError(denied)).toBe(
      "403 InsufficientAccessError: The user does not have access: give the identity the Log Analytics Reader role on the workspace",
    );
    expect(describeQueryError({ statusCode: 404, message: "Workspace not found" })).toMatch(
      /check the workspace ID/,
    );
    expect(describeQueryError({ name: "AbortError", message: "aborted" })).toBe("cancelled");
    expect(describeQueryError({ message: "x".repeat(500) })).toHaveLength(SERVICE_MESSAGE_CHARS);
  });

  it("names the table of a 'Failed to resolve table' error, and nothing else", () => {
    const semantic = (message: string, details?: unknown) => ({ statusCode: 400, message, details });
    expect(
      missingTableOf(semantic("Failed to resolve table or column expression named 'AzureDiagnostics'")),
    ).toBe("AzureDiagnostics");
    expect(
      missingTableOf(
        semantic("Semantic error", [
          { message: "Failed to resolve table expression named 'CoreAzureBackup'" },
        ]),
      ),
    ).toBe("CoreAzureBackup");
    expect(missingTableOf(semantic("Syntax error near 'where'"))).toBeNull();
    expect(
      missingTableOf({ statusCode: 500, message: "Failed to resolve table named 'AzureDiagnostics'" }),
    ).toBeNull();
  });
});
