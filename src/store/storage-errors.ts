/**
 * A Table Storage failure in one line: the HTTP status, the service's error code and what to grant or check,
 * never the XML or JSON body of the answer.
 */

interface RestErrorShape {
  statusCode?: unknown;
  code?: unknown;
  message?: unknown;
  response?: { headers?: { get?: (name: string) => string | undefined } };
}

/** The storage account's name from its table endpoint (`https://<account>.table.core.windows.net`). */
export function accountOf(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    const first = url.hostname.split(".")[0] ?? url.hostname;
    // Azurite and other path-style endpoints name the account in the path.
    if (/^\d+(\.\d+){3}$|^localhost$/.test(url.hostname)) return url.pathname.split("/")[1] || url.host;
    return first;
  } catch {
    return "the storage account";
  }
}

/**
 * One line for a failed Table Storage request. 401/403 name the role to grant on the account (a token) or the
 * key to check (a connection string).
 */
export function describeStorageError(error: unknown, endpoint: string, auth: "token" | "connection"): string {
  const e = error as RestErrorShape | null;
  const status = typeof e?.statusCode === "number" ? e.statusCode : null;
  const raw = typeof e?.code === "string" ? e.code : e?.response?.headers?.get?.("x-ms-error-code");
  const code = typeof raw === "string" && /^[A-Za-z][A-Za-z0-9]{0,63}$/.test(raw) ? raw : null;
  const head = [status, code].filter((x) => x !== null).join(" ");
  const account = accountOf(endpoint);
  if (status === 401 || status === 403) {
    return auth === "token"
      ? `Table Storage refused access to account ${account} (${head}): grant the identity the Storage Table Data Contributor role on the storage account ${account}`
      : `Table Storage refused access to account ${account} (${head}): check the account key or SAS in PULSE_TABLES_CONNECTION (a SAS needs table permissions r, a, u, d)`;
  }
  const text = typeof e?.message === "string" ? e.message : String(error);
  // An XML or JSON body says nothing a person can use beyond its code.
  const line = /^\s*[<{]/.test(text) ? "" : (text.split(/\r?\n/)[0] ?? "").slice(0, 160);
  return `Table Storage request to account ${account} failed${head ? ` (${head})` : ""}${line ? `: ${line}` : ""}`;
}
