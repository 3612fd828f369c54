/**
 * HTTP function `doctor`: `GET /api/doctor[?sendTest=true]` (admin key only: it reports the deployment's
 * identity, workspaces and vaults). Runs the same checks as `backup-pulse doctor` with the Function App's
 * settings and managed identity and answers `{ "checks": [ { name, ok, detail, fix } ] }`: 200 when every
 * check passed, 503 when one failed.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import type { Env } from "../config.js";
import { runDoctor } from "../pipeline/doctor.js";
import type { DepsOptions } from "../pipeline/deps.js";

export interface DoctorFunctionOptions {
  env?: Env;
  deps?: DepsOptions;
  now?: () => number;
}

export type DoctorHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export function createDoctorHandler(options: DoctorFunctionOptions = {}): DoctorHandler {
  return async (request, context) => {
    const sendTest = request.query.get("sendTest");
    if (sendTest !== null && sendTest !== "true" && sendTest !== "false") {
      return { status: 400, jsonBody: { error: "sendTest must be true or false" } };
    }
    const checks = await runDoctor({
      env: options.env ?? process.env,
      sendTest: sendTest === "true",
      ...(options.deps ? { deps: options.deps } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    const failed = checks.filter((c) => !c.ok);
    for (const c of failed) context.warn(`doctor: ${c.name}: ${c.detail} (fix: ${c.fix})`);
    return {
      status: failed.length === 0 ? 200 : 503,
      jsonBody: { checks },
      headers: { "cache-control": "no-store" },
    };
  };
}

export const doctorHttp = createDoctorHandler();

app.http("doctor", { methods: ["GET"], authLevel: "admin", route: "doctor", handler: doctorHttp });
