/**
 * Which Azure credential backup-pulse signs in with, and a sign-in failure in one line: the credential tried
 * and what to do (`az login` on a workstation, the managed identity settings in Azure), instead of the
 * multi-line chain of reasons `DefaultAzureCredential` reports.
 */
import type { TokenCredential } from "@azure/core-auth";
import type { Env } from "./config.js";

/** A failed sign-in, said in one line by {@link signInMessage}. */
export class SignInError extends Error {
  override name = "SignInError";
}

/**
 * The credential, with each failure to get a token turned into a one-line {@link SignInError}: every client
 * built on it (Log Analytics, ARM, Table Storage) then reports a sign-in problem as the doctor does.
 */
export function explainingCredential(credential: TokenCredential, env: Env): TokenCredential {
  return {
    async getToken(scopes, options) {
      try {
        return await credential.getToken(scopes, options);
      } catch (error) {
        // A cancelled request (the run's budget, a deadline) is not a sign-in problem.
        if (error instanceof SignInError || (error as { name?: unknown } | null)?.name === "AbortError")
          throw error;
        throw new SignInError(signInMessage(error, env), { cause: error });
      }
    },
  };
}

/** The credential DefaultAzureCredential will use in this environment, for people. */
export function credentialInUse(env: Env): string {
  const narrowed = env.AZURE_TOKEN_CREDENTIALS?.trim();
  const clientId = env.AZURE_CLIENT_ID?.trim();
  let found: string;
  if (env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH) {
    found = `service principal ${clientId ?? "(AZURE_CLIENT_ID not set)"} from the environment`;
  } else if (env.AZURE_FEDERATED_TOKEN_FILE) {
    found = `workload identity ${clientId ?? ""}`.trim();
  } else if (env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT) {
    found = clientId
      ? `the Function App's user-assigned managed identity (client ID ${clientId})`
      : "the Function App's system-assigned managed identity";
  } else {
    found = "a developer sign-in (Azure CLI `az login`, Azure Developer CLI or Azure PowerShell)";
  }
  return narrowed ? `${found}, limited by AZURE_TOKEN_CREDENTIALS=${narrowed}` : found;
}

/** What to do about a failed sign-in, for the credential in use. */
export function signInFix(env: Env): string {
  if (env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT) {
    return env.AZURE_CLIENT_ID
      ? "check that the user-assigned identity with client ID AZURE_CLIENT_ID is attached to the Function App (Identity blade), or remove AZURE_CLIENT_ID to use the system-assigned one"
      : "turn on the Function App's system-assigned managed identity (Identity blade), or attach a user-assigned one and set AZURE_CLIENT_ID to its client ID";
  }
  if (env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH) {
    return "check AZURE_TENANT_ID, AZURE_CLIENT_ID and the secret or certificate of the service principal";
  }
  return "run `az login` (and `az account set --subscription <id>`), or set AZURE_TOKEN_CREDENTIALS to the credential you mean to use";
}

/** One line: which credential was tried, the first reason given, and what to do. */
export function signInMessage(error: unknown, env: Env): string {
  if (error instanceof SignInError) return error.message;
  const raw = error instanceof Error ? error.message : String(error);
  // The chain lists one "XCredential: reason" per line; the credential that was meant to work is the useful one.
  const lines = raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/authentication failed\.?$/i.test(l));
  const meant =
    lines.find((l) => (env.IDENTITY_ENDPOINT || env.MSI_ENDPOINT) && /ManagedIdentity/i.test(l)) ??
    lines.find((l) => !/is unavailable|not installed|not found|CredentialUnavailableError/i.test(l)) ??
    lines[0] ??
    "no credential gave a token";
  const reason = meant
    .replace(/^[A-Za-z]*Error:\s*/, "")
    .replace(/\s*To troubleshoot, visit \S+\.?/gi, "")
    .replace(/https?:\/\/\S+/g, "")
    .replace(/\s+/g, " ")
    .slice(0, 160)
    .trim();
  return `could not sign in to Azure with ${credentialInUse(env)} (${reason}): ${signInFix(env)}`;
}
