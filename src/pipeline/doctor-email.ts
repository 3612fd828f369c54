/**
 * The doctor's e-mail checks (only when PULSE_EMAIL_TO is set): with `--send-test`, a short test e-mail to
 * the recipients through Communication Services, followed to its end as a digest is. Each test is its own
 * message (keyed by its time), so a second `--send-test` sends again.
 */
import type { EmailSettings } from "../config.js";
import { emailTargetUrl } from "../delivery/email-sender.js";
import { testEmail } from "../delivery/email.js";
import type { Poster } from "../delivery/poster.js";
import type { DoctorCheck } from "./doctor-check.js";

/** The scope @azure/communication-email asks the credential for. */
export const EMAIL_SCOPE = "https://communication.azure.com//.default";

export async function emailTestCheck(
  email: EmailSettings,
  sender: Poster,
  token: DoctorCheck,
  now: Date,
): Promise<DoctorCheck> {
  const name = "e-mail";
  if (!token.ok)
    return { name, ok: false, detail: "not checked: no token for Communication Services", fix: token.fix };
  const payload = testEmail(now);
  try {
    await sender.post(emailTargetUrl(email.to), { body: payload.body, contentType: payload.contentType });
    return {
      name,
      ok: true,
      detail: `a test e-mail from ${email.from} to ${email.to.join(", ")} was delivered by the service`,
      fix: "",
    };
  } catch (error) {
    const message =
      error instanceof Error && error.name === "EmailError" ? error.message : "the e-mail could not be sent";
    return {
      name,
      ok: false,
      detail: message,
      fix:
        'give the identity "Communication and Email Service Owner" on the Communication Services resource, and check ' +
        "PULSE_EMAIL_ENDPOINT (its endpoint) and PULSE_EMAIL_FROM (a sender of a domain linked to it); see docs/email.md",
    };
  }
}
