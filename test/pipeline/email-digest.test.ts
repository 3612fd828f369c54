/**
 * The daily digest by e-mail, through the same outbox as the webhook: stored, sent once, not sent again by a
 * re-run, and when the service reports the message Failed, reported as not delivered and sent again by the
 * next run, once. Real client against the local Communication Services stand-in; tables on Azurite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmailEndpoint, type EmailEndpoint } from "../../src/local/email-endpoint.js";
import { openDeps, type Deps } from "../../src/pipeline/deps.js";
import { runSucceeded } from "../../src/pipeline/outcome.js";
import { Outbox } from "../../src/store/outbox.js";
import { openTables } from "../../src/store/tables.js";
import { startLocalRun, type LocalRun } from "./local-run.js";

const TO = "ops@contoso.com, backup-team@contoso.com";

let acs: EmailEndpoint;
let run: LocalRun;
let deps: Deps;
const lines: string[] = [];

beforeAll(async () => {
  acs = await startEmailEndpoint();
  run = await startLocalRun({
    days: 3,
    env: {
      PULSE_RECOVERY_POINTS: "off",
      PULSE_EMAIL_TO: TO,
      PULSE_EMAIL_FROM: "DoNotReply@pulse.example.com",
      PULSE_EMAIL_ENDPOINT: acs.endpoint,
    },
  });
  deps = await openDeps(run.config, {
    ...run.depsOptions,
    email: { pollIntervalInMs: 10, sleep: () => Promise.resolve() },
  });
});
afterAll(async () => {
  await run.close();
  await acs.close();
});

async function runDay(date: string) {
  lines.length = 0;
  run.setNow(run.estate.dailyRunMs(date));
  const { runDaily } = await import("../../src/pipeline/daily.js");
  return runDaily(run.config, deps, { date, log: (l) => lines.push(l) });
}

async function outboxRecords() {
  const tables = openTables(
    { kind: "connection", connectionString: run.env.PULSE_TABLES_CONNECTION ?? "" },
    undefined,
    {
      tablePrefix: run.tablePrefix,
    },
  );
  return new Outbox(tables.table("PulseOutbox")).list("digest");
}

describe("the e-mail digest through the outbox", () => {
  it("sends the day's digest once to every recipient, next to the webhook post", async () => {
    const [day] = run.estate.days as [string];
    const result = await runDay(day);
    expect(runSucceeded(result)).toBe(true);
    expect(run.hook.requests).toBe(1);
    expect(acs.sent).toHaveLength(1);
    const mail = acs.sent[0];
    expect(mail?.to).toEqual(["ops@contoso.com", "backup-team@contoso.com"]);
    expect(mail?.senderAddress).toBe("DoNotReply@pulse.example.com");
    expect(mail?.subject).toMatch(
      new RegExp(`^\\[(HEALTHY|ATTENTION|FAILING|NO DATA)\\] Backup pulse ${day}: `),
    );
    expect(
      mail?.subject.startsWith(`[${result.digest.headline.status.toUpperCase().replace("-", " ")}]`),
    ).toBe(true);
    expect(mail?.html).toContain(`Backup pulse · <span`);
    expect(mail?.plainText).toContain(`Backup pulse for ${day}:`);
    expect(lines).toContain(`Sent the digest for ${day} by e-mail (HTTP 202)`);
    const records = (await outboxRecords()).filter((r) => r.key === day);
    expect(records.map((r) => [r.format, r.state]).sort()).toEqual([
      ["email", "posted"],
      ["generic", "posted"],
    ]);
  });

  it("a re-run of the day sends nothing again", async () => {
    const [day] = run.estate.days as [string];
    const result = await runDay(day);
    expect(runSucceeded(result)).toBe(true);
    expect(acs.sent).toHaveLength(1);
    expect(lines).toContain(`The digest for ${day} was already delivered by e-mail: not sent again`);
  });

  it("a message the service reports Failed is a failed delivery, sent again by the next run, once", async () => {
    const day = run.estate.days[1] as string;
    acs.nextOutcomes.push({
      failed: { code: "EmailDropped", message: "Email was dropped after several attempts to deliver." },
    });
    const first = await runDay(day);
    expect(runSucceeded(first)).toBe(false);
    expect(first.delivery?.failed).toEqual([
      expect.objectContaining({ kind: "digest", key: day, attempts: 1, state: "pending" }),
    ]);
    expect(first.delivery?.failed[0]?.error).toMatch(/EmailDropped/);
    expect(lines.some((l) => l.startsWith(`The digest for ${day} was not delivered by e-mail (`))).toBe(true);
    expect(acs.sent.filter((m) => m.subject.includes(day))).toHaveLength(1);

    const second = await runDay(day);
    expect(runSucceeded(second)).toBe(true);
    expect(acs.sent.filter((m) => m.subject.includes(day))).toHaveLength(2);
    const third = await runDay(day);
    expect(runSucceeded(third)).toBe(true);
    expect(acs.sent.filter((m) => m.subject.includes(day))).toHaveLength(2);
    expect((await outboxRecords()).find((r) => r.key === day && r.format === "email")).toMatchObject({
      state: "posted",
      attempts: 2,
    });
  });

  it("a message accepted but never confirmed is followed by the next run, not sent again", async () => {
    const [day2, day3] = [run.estate.days[1] as string, run.estate.days[2] as string];
    const before = acs.sent.length;
    // Every status read of day 3's first try fails: the run stops with the message accepted but unconfirmed.
    acs.pollFaults.push(
      ...Array.from({ length: 8 }, () => ({ status: 503, code: "ServiceUnavailable", message: "down" })),
    );
    const first = await runDay(day3);
    expect(first.delivery?.failed.map((f) => f.key)).toEqual([day3]);
    acs.pollFaults.length = 0;
    // The next run follows that message to its end instead of sending another.
    const next = await runDay(day3);
    expect(runSucceeded(next)).toBe(true);
    expect(acs.sent.length - before).toBe(1);
    expect(acs.sent.filter((m) => m.subject.includes(day2))).toHaveLength(2);
  });
});
