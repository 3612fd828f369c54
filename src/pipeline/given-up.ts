/**
 * Messages the outbox gave up on, said where a person reads them: as notes of the next digest posted after
 * they were given up, and as a failed check of `backup-pulse doctor`. Nothing given up goes unsaid.
 */
import { messagesFor, type Messages } from "../domain/messages/index.js";
import type { GivenUpMessage } from "../domain/messages/types.js";
import { isNotFound } from "../store/tables.js";
import type { Outbox, OutboxRecord } from "../store/outbox.js";
import type { DoctorCheck } from "./doctor-check.js";

/** How long the doctor keeps naming a given-up message. */
const DOCTOR_DAYS = 30;
const DAY_MS = 86_400_000;

function givenUpMessage(r: OutboxRecord): GivenUpMessage {
  return {
    digestDay: r.kind === "digest" ? r.key : null,
    key: r.key,
    summary: r.summary ?? null,
    givenUpAt: r.givenUpAt,
    attempts: r.attempts,
    firstFailedAt: r.firstFailedAt ?? null,
    error: r.lastError ?? null,
  };
}

/** One sentence about a given-up message: what it was, when and why it was given up. */
export function describeGivenUp(r: OutboxRecord): string {
  return messagesFor("en").notes.givenUp(givenUpMessage(r));
}

/** Notes for the next digest, in its language: the messages given up since the last digest was posted. */
export async function givenUpNotes(outbox: Outbox, m: Messages = messagesFor("en")): Promise<string[]> {
  const [given, lastPosted] = await Promise.all([outbox.givenUp(), outbox.lastDigestPostedAt()]);
  return given
    .filter((r) => r.givenUpAt !== null && (lastPosted === null || r.givenUpAt > lastPosted))
    .sort((a, b) => (a.givenUpAt ?? "").localeCompare(b.givenUpAt ?? ""))
    .map((r) => m.notes.notDelivered(givenUpMessage(r)));
}

/** The doctor's check of the outbox: fails while a message was given up in the last 30 days. */
export async function givenUpCheck(outbox: Outbox, nowMs: number): Promise<DoctorCheck> {
  const name = "undelivered messages";
  const cutoff = new Date(nowMs - DOCTOR_DAYS * DAY_MS).toISOString();
  let all: OutboxRecord[];
  try {
    all = await outbox.givenUp();
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return { name, ok: true, detail: "no message was sent yet (no outbox table)", fix: "" };
  }
  const given = all.filter((r) => (r.givenUpAt ?? "") >= cutoff);
  if (given.length === 0) {
    return { name, ok: true, detail: `no message was given up in the last ${DOCTOR_DAYS} days`, fix: "" };
  }
  return {
    name,
    ok: false,
    detail: `${given.length} message(s) given up in the last ${DOCTOR_DAYS} days: ${given.map(describeGivenUp).join("; ")}`,
    fix: "make the webhook take messages again (backup-pulse doctor --send-test), then `backup-pulse run --date <day>` posts a given-up digest again (a given-up alert message is named in the next digest's notes)",
  };
}
