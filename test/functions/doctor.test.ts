/**
 * The `doctor` HTTP function answers the doctor's JSON: 200 when every check passed, 503 when one failed,
 * 400 for a bad sendTest.
 */
import { HttpRequest } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { createDoctorHandler } from "../../src/functions/doctor.js";
import { recordingContext } from "../support/functions.js";

describe("doctor HTTP function", () => {
  it("answers 503 with the checks when one failed (here: a bad setting)", async () => {
    const handler = createDoctorHandler({ env: { PULSE_WORKSPACE_IDS: "not-a-guid" } });
    const ctx = recordingContext("doctor");
    const res = await handler(new HttpRequest({ method: "GET", url: "http://localhost/api/doctor" }), ctx);
    expect(res.status).toBe(503);
    expect(res.jsonBody).toEqual({
      checks: [
        {
          name: "settings",
          ok: false,
          detail: 'PULSE_WORKSPACE_IDS: "not-a-guid" is not a workspace ID (GUID)',
          fix: "set PULSE_WORKSPACE_IDS (see README, Settings)",
        },
      ],
    });
  });

  it("refuses a sendTest that is not true or false", async () => {
    const handler = createDoctorHandler({ env: {} });
    const res = await handler(
      new HttpRequest({ method: "GET", url: "http://localhost/api/doctor?sendTest=yes" }),
      recordingContext("doctor"),
    );
    expect(res.status).toBe(400);
  });
});
