import { describe, expect, it } from "vitest";
import { loadConfig, redact, SettingError } from "../src/config.js";

const WS = "11111111-2222-3333-4444-555555555555";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const c = loadConfig({});
    expect(c.logsEndpoint).toBe("https://api.loganalytics.io/v1");
    expect(c.recoveryPoints).toBe("warnings");
    expect(c.webhookFormat).toBe("generic");
    expect(c.digestSchedule).toBe("0 0 7 * * *");
    expect(c.alertSchedule).toBe("0 15 * * * *");
    expect(c.lookbackDays).toBe(2);
    expect(c.timeZone).toBe("UTC");
  });

  it("reads PULSE_TIMEZONE as an IANA time zone and names the setting when it is not one", () => {
    expect(loadConfig({ PULSE_TIMEZONE: "Europe/Berlin" }).timeZone).toBe("Europe/Berlin");
    expect(loadConfig({ PULSE_TIMEZONE: " asia/tokyo " }).timeZone).toBe("Asia/Tokyo");
    expect(() => loadConfig({ PULSE_TIMEZONE: "CET+1" })).toThrow(SettingError);
    expect(() => loadConfig({ PULSE_TIMEZONE: "Europe/Berlinn" })).toThrow(
      /^PULSE_TIMEZONE: "Europe\/Berlinn" is not an IANA time zone/,
    );
  });

  it("names the setting when a workspace ID is not a GUID", () => {
    expect(() => loadConfig({ PULSE_WORKSPACE_IDS: `${WS},nope` })).toThrow(/PULSE_WORKSPACE_IDS: "nope"/);
  });

  it("requires workspaces and a table target for a real run", () => {
    expect(() => loadConfig({}, { requireRunSettings: true })).toThrow(SettingError);
    expect(() => loadConfig({ PULSE_WORKSPACE_IDS: WS }, { requireRunSettings: true })).toThrow(
      /PULSE_TABLES_URL/,
    );
  });

  it("refuses a plain-http webhook except on loopback, without echoing the URL", () => {
    const secretUrl = "http://example.com/hook?sig=abc123";
    let message = "";
    try {
      loadConfig({ PULSE_WEBHOOK_URL: secretUrl });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^PULSE_WEBHOOK_URL: must be an https URL/);
    expect(message).not.toContain("abc123");
    expect(loadConfig({ PULSE_WEBHOOK_URL: "http://127.0.0.1:9/hook" }).webhookUrl?.port).toBe("9");
  });

  it("refuses a URL with user:pass@ at settings time, naming the setting without echoing the secret", () => {
    for (const name of [
      "PULSE_WEBHOOK_URL",
      "PULSE_LOGS_ENDPOINT",
      "PULSE_ARM_ENDPOINT",
      "PULSE_TABLES_URL",
    ]) {
      const url = `https://hookuser:hookpass@hooks.example.com/${name === "PULSE_LOGS_ENDPOINT" ? "v1" : "x"}`;
      let message = "";
      try {
        loadConfig({ [name]: url });
      } catch (e) {
        expect(e).toBeInstanceOf(SettingError);
        message = (e as Error).message;
      }
      expect(message).toBe(`${name}: must not carry a user name or password (user:pass@ before the host)`);
      expect(message).not.toMatch(/hookuser|hookpass|example/);
    }
    expect(() => loadConfig({ PULSE_WEBHOOK_URL: "https://hookuser@hooks.example.com/x" })).toThrow(
      /PULSE_WEBHOOK_URL: must not carry a user name/,
    );
  });

  it("rejects unknown enum values and bad schedules", () => {
    expect(() => loadConfig({ PULSE_RECOVERY_POINTS: "some" })).toThrow(/PULSE_RECOVERY_POINTS/);
    expect(() => loadConfig({ PULSE_WEBHOOK_FORMAT: "email" })).toThrow(/PULSE_WEBHOOK_FORMAT/);
    expect(() => loadConfig({ PULSE_DIGEST_SCHEDULE: "0 7 * * *" })).toThrow(/PULSE_DIGEST_SCHEDULE/);
  });

  it("redacts secrets and signature parameters", () => {
    const env = { PULSE_WEBHOOK_URL: "https://x.logic.azure.com/wf?sig=s3cr3t" };
    const text = redact("POST https://x.logic.azure.com/wf?sig=s3cr3t failed; also ?sig=zzz", env);
    expect(text).not.toContain("s3cr3t");
    expect(text).not.toContain("zzz");
  });
});

describe("PULSE_LINUX_APP_CONSISTENT_VMS", () => {
  it("accepts names and *-patterns, and names the setting for anything else", () => {
    expect(loadConfig({ PULSE_LINUX_APP_CONSISTENT_VMS: "vm-pg-*, db01" }).linuxAppConsistentVms).toEqual([
      "vm-pg-*",
      "db01",
    ]);
    expect(() => loadConfig({ PULSE_LINUX_APP_CONSISTENT_VMS: "vm/01" })).toThrow(
      /^PULSE_LINUX_APP_CONSISTENT_VMS: "vm\/01" is not a VM name/,
    );
  });
});

describe("endpoints", () => {
  it("requires the Log Analytics endpoint to end in /v1", () => {
    expect(() => loadConfig({ PULSE_LOGS_ENDPOINT: "https://api.loganalytics.io" })).toThrow(
      /^PULSE_LOGS_ENDPOINT: .* must end in \/v1/,
    );
    expect(loadConfig({ PULSE_LOGS_ENDPOINT: "https://api.loganalytics.us/v1/" }).logsEndpoint).toBe(
      "https://api.loganalytics.us/v1",
    );
  });

  it("refuses a plain-http table endpoint except on loopback, without echoing the connection string", () => {
    const key = "AccountKey=c2VjcmV0";
    let message = "";
    try {
      loadConfig({
        PULSE_TABLES_CONNECTION: `AccountName=a;${key};TableEndpoint=http://tables.example.com/a;`,
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^PULSE_TABLES_CONNECTION: its TableEndpoint must be an https URL/);
    expect(message).not.toContain("c2VjcmV0");
    expect(
      loadConfig({ PULSE_TABLES_CONNECTION: `AccountName=a;${key};TableEndpoint=http://127.0.0.1:10002/a;` })
        .tables?.kind,
    ).toBe("connection");
  });
});

describe("e-mail settings (PULSE_EMAIL_TO, PULSE_EMAIL_FROM, PULSE_EMAIL_ENDPOINT)", () => {
  const ok = {
    PULSE_EMAIL_TO: " ops@contoso.com, backup-team@contoso.com ,",
    PULSE_EMAIL_FROM: "DoNotReply@1a2b.azurecomm.net",
    PULSE_EMAIL_ENDPOINT: "https://acs-pulse.europe.communication.azure.com/",
  };

  it("is off without PULSE_EMAIL_TO, and reads all three when it is set", () => {
    expect(loadConfig({}).email).toBeNull();
    expect(loadConfig(ok).email).toEqual({
      to: ["ops@contoso.com", "backup-team@contoso.com"],
      from: "DoNotReply@1a2b.azurecomm.net",
      endpoint: "https://acs-pulse.europe.communication.azure.com",
    });
  });

  it("names the setting that is missing or wrong", () => {
    const cases: [Record<string, string | undefined>, RegExp][] = [
      [{ PULSE_EMAIL_FROM: undefined }, /^PULSE_EMAIL_FROM: is required with PULSE_EMAIL_TO/],
      [{ PULSE_EMAIL_ENDPOINT: undefined }, /^PULSE_EMAIL_ENDPOINT: is required with PULSE_EMAIL_TO/],
      [
        { PULSE_EMAIL_TO: "ops@contoso.com;dev@contoso.com" },
        /^PULSE_EMAIL_TO: "ops@contoso.com;dev@contoso.com" is not an e-mail address/,
      ],
      [{ PULSE_EMAIL_TO: "Ops <ops@contoso.com>" }, /^PULSE_EMAIL_TO: .* is not an e-mail address/],
      [{ PULSE_EMAIL_TO: " , " }, /^PULSE_EMAIL_TO: lists no address/],
      [{ PULSE_EMAIL_FROM: "DoNotReply" }, /^PULSE_EMAIL_FROM: "DoNotReply" is not an e-mail address/],
      [
        { PULSE_EMAIL_ENDPOINT: "http://acs.communication.azure.com" },
        /^PULSE_EMAIL_ENDPOINT: must be an https URL/,
      ],
      [{ PULSE_EMAIL_ENDPOINT: "acs.communication.azure.com" }, /^PULSE_EMAIL_ENDPOINT: is not a valid URL/],
      [
        { PULSE_EMAIL_ENDPOINT: "https://acs.communication.azure.com/emails:send" },
        /^PULSE_EMAIL_ENDPOINT: must be the resource's endpoint alone/,
      ],
      [{ PULSE_EMAIL_TO: undefined }, /^PULSE_EMAIL_TO: is required when PULSE_EMAIL_FROM is set/],
    ];
    for (const [change, message] of cases) {
      const env = { ...ok, ...change };
      expect(() => loadConfig(env), JSON.stringify(change)).toThrow(SettingError);
      expect(() => loadConfig(env), JSON.stringify(change)).toThrow(message);
    }
  });

  it("refuses a connection string without echoing its key", () => {
    const key = "c2VjcmV0LWtleS12YWx1ZQ==";
    const env = {
      ...ok,
      PULSE_EMAIL_ENDPOINT: `endpoint=https://acs.communication.azure.com/;accesskey=${key}`,
    };
    expect(() => loadConfig(env)).toThrow(/^PULSE_EMAIL_ENDPOINT: looks like a connection string/);
    try {
      loadConfig(env);
    } catch (e) {
      expect((e as Error).message).not.toContain(key);
    }
  });

  it("allows http only for a loopback endpoint (the local stand-in)", () => {
    expect(loadConfig({ ...ok, PULSE_EMAIL_ENDPOINT: "http://127.0.0.1:8443" }).email?.endpoint).toBe(
      "http://127.0.0.1:8443",
    );
  });
});
