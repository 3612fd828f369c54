import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CATALOGUE_DATA } from "../../src/domain/catalogue-data.js";
import {
  adviceLine,
  CONSISTENCY_DOC_URL,
  ENHANCED_SCRIPTS_HINT,
  hintsFor,
  isScriptWarning,
  isVssCode,
  lookupCode,
  LINUX_SCRIPTS_HINT,
  SQL_SERVER_VSS_HINT,
  WINDOWS_APP_CONSISTENCY_NOTE,
  wordsOf,
  type CatalogueEntry,
} from "../../src/domain/catalogue.js";
import { jaLearnUrl } from "../../src/domain/catalogue-ja.js";
import type { ErrorCategory } from "../../src/domain/model.js";

interface ReferenceEntry {
  code: string;
  kind: "failure" | "warning";
  os: string;
  category: string;
  summary: string;
  consistencyEffect: string;
  docUrl: string;
}

/** The reference list of Azure VM backup codes the catalogue is built from (a copy kept as a fixture). */
const REFERENCE = JSON.parse(
  readFileSync(new URL("../fixtures/reference/error-codes.json", import.meta.url), "utf8"),
) as ReferenceEntry[];

/** The interface's category vocabulary for the reference's longer names. */
const INTERFACE_CATEGORY: Record<string, ErrorCategory> = {
  "storage/disk": "disk",
  "permissions/policy/keyvault/encryption": "access",
  "platform/transient": "platform",
  "configuration/other": "config",
};
const mapped = (category: string): string => INTERFACE_CATEGORY[category] ?? category;

/**
 * Where the catalogue departs from the reference's category on purpose: Microsoft's troubleshooting page calls
 * the BitLocker failure a VSS operation error, so VSS advice and the vss alert apply to it.
 */
const CATEGORY_OVERRIDES: Record<string, ErrorCategory> = { ExtensionSnapshotBitlockerError: "vss" };

function expectedScope(summary: string): string {
  if (summary.startsWith("[SQL Server in Azure VM workload backup]")) return "sql-workload";
  if (summary.startsWith("[SAP HANA in Azure VM workload backup]")) return "hana-workload";
  return "vm";
}

const VSS_CODES = ["ExtensionFailedVssWriterInBadState", "ExtensionFailedVssServiceInBadState"];
const VSS_CATEGORY = [...VSS_CODES, "ExtensionSnapshotBitlockerError"];

describe("catalogue coverage", () => {
  it("has the 114 reference codes and no others", () => {
    expect(REFERENCE).toHaveLength(114);
    expect(CATALOGUE_DATA.map((e) => e.code)).toEqual(REFERENCE.map((r) => r.code));
  });

  it.each(REFERENCE.map((r) => [r.code, r] as const))(
    "%s resolves with its category, kind, os, scope and doc link",
    (code, ref) => {
      const entry = lookupCode(code);
      expect(entry).not.toBeNull();
      expect(entry).toMatchObject({
        code,
        category: CATEGORY_OVERRIDES[code] ?? mapped(ref.category),
        kind: ref.kind,
        os: ref.os,
        scope: expectedScope(ref.summary),
        docUrl: ref.docUrl,
      });
    },
  );

  it("uses only the interface's category names", () => {
    const allowed = new Set([
      "vss",
      "fsfreeze",
      "agent",
      "extension",
      "network",
      "vm-state",
      "disk",
      "access",
      "platform",
      "config",
      "restore",
    ]);
    for (const e of CATALOGUE_DATA) expect(allowed.has(e.category), e.code).toBe(true);
  });

  it("keeps summaries short and in its own words", () => {
    const byCode = new Map(REFERENCE.map((r) => [r.code, r]));
    for (const e of CATALOGUE_DATA) {
      expect(e.summary.length, e.code).toBeGreaterThan(10);
      expect(e.summary.length, e.code).toBeLessThanOrEqual(200);
      expect(e.summary, e.code).not.toBe(byCode.get(e.code)?.summary);
      expect(e.summary, e.code).not.toMatch(/^\[/);
    }
  });

  it("gives every code a one-line action of at most 200 characters", () => {
    for (const e of CATALOGUE_DATA) {
      expect(e.action.trim().length, e.code).toBeGreaterThan(10);
      expect(e.action.length, e.code).toBeLessThanOrEqual(200);
      expect(e.action, e.code).not.toMatch(/\n/);
    }
  });

  it("links every code to an https page on learn.microsoft.com", () => {
    for (const e of CATALOGUE_DATA) {
      const url = new URL(e.docUrl);
      expect(url.protocol, e.code).toBe("https:");
      expect(url.hostname, e.code).toBe("learn.microsoft.com");
    }
    expect(new URL(CONSISTENCY_DOC_URL).hash).toBe("#snapshot-consistency");
  });

  it("states the consistency effect the reference gives", () => {
    for (const ref of REFERENCE) {
      const effect = lookupCode(ref.code)?.consistencyEffect ?? "";
      if (ref.consistencyEffect.startsWith("None: the job fails"))
        expect(effect, ref.code).toMatch(/no recovery point/);
      if (ref.consistencyEffect.startsWith("Not applicable (restore"))
        expect(effect, ref.code).toMatch(/restore job/);
      if (ref.consistencyEffect.startsWith("Not applicable to VM snapshot"))
        expect(effect, ref.code).toMatch(/database backup/);
      if (ref.consistencyEffect.startsWith("Application consistency lost"))
        expect(effect, ref.code).toMatch(/falls back to file-system/);
    }
  });
});

describe("lookupCode", () => {
  it("ignores case and surrounding whitespace", () => {
    expect(lookupCode("extensionfailedvsswriterinbadstate")?.code).toBe("ExtensionFailedVssWriterInBadState");
    expect(lookupCode("  USERERRORFSFREEZEFAILED\t")?.code).toBe("UserErrorFsFreezeFailed");
    expect(lookupCode("pre-scripttimeout")?.code).toBe("Pre-ScriptTimeout");
  });

  it("maps numeric codes to their names", () => {
    expect(lookupCode("320001")?.code).toBe("ResourceNotFound");
    expect(lookupCode("400094")?.code).toBe("BCMV2VMNotFound");
    expect(lookupCode(" 380008 ")?.code).toBe("AzureVmOffline");
    expect(lookupCode("380008")?.category).toBe("agent");
  });

  it("resolves both documented spellings of the key vault permissions code to one entry", () => {
    const a = lookupCode("UserErrorKeyvaultPermissionsNotConfigured");
    const b = lookupCode("UserErrorKeyVaultPermissionsNotConfigured");
    expect(a).not.toBeNull();
    expect(b).toBe(a);
    expect(a?.category).toBe("access");
  });

  it("returns null for a clean success, nothing, and unknown codes", () => {
    expect(lookupCode("Success")).toBeNull();
    expect(lookupCode("SUCCESS ")).toBeNull();
    expect(lookupCode("")).toBeNull();
    expect(lookupCode("   ")).toBeNull();
    expect(lookupCode(null)).toBeNull();
    expect(lookupCode(undefined)).toBeNull();
    expect(lookupCode("ExtensionFailedVssFreezeTimeout")).toBeNull();
    expect(lookupCode("UserErrorSnapshotNotFound")).toBeNull();
    expect(lookupCode("123456")).toBeNull();
  });
});

describe("seed knowledge", () => {
  it("tells operators of VSS codes to restart the VSS service, then the VM", () => {
    for (const code of VSS_CODES) {
      const entry = lookupCode(code);
      expect(entry && isVssCode(entry), code).toBe(true);
      expect(entry?.action, code).toMatch(/restart .*VSS service/i);
      expect(entry?.action, code).toMatch(/reboot the VM/i);
    }
    expect(lookupCode("ExtensionFailedVssWriterInBadState")?.action).toContain("vssadmin list writers");
    expect(lookupCode("ExtensionFailedVssWriterInBadState")?.action).toContain("[1] Stable");
  });

  it("offers the copy-only VSS registry value with every VSS code where SQL Server is in play, and only there", () => {
    const vss = CATALOGUE_DATA.filter(isVssCode);
    expect(vss.map((e) => e.code).sort()).toEqual([...VSS_CATEGORY].sort());
    for (const entry of vss) {
      expect(hintsFor(entry).map(adviceLine).join(" "), entry.code).not.toContain("USEVSSCOPYBACKUP");
      const hint = hintsFor(entry, { sqlServer: true }).map(adviceLine).join(" ");
      expect(hint).toContain("USEVSSCOPYBACKUP");
      expect(hint).toMatch(/check whether/);
      expect(hint).toMatch(/December 2022/);
      expect(hint).toContain("HKLM\\SOFTWARE\\Microsoft\\BCDRAGENT");
      expect(hint).toMatch(/"TRUE"/);
      expect(hint).toMatch(/copy-only/);
      expect(hint).toMatch(/no reboot/);
    }
  });

  it("points every Linux script warning at the pre/post-script configuration", () => {
    const scripts = CATALOGUE_DATA.filter(isScriptWarning);
    expect(scripts).toHaveLength(10);
    for (const entry of scripts) {
      expect(entry.kind).toBe("warning");
      const hint = hintsFor(entry).map(adviceLine).join(" ");
      expect(hint).toContain("/etc/azure/VMSnapshotScriptPluginConfig.json");
      expect(hint).toContain("/etc/azure/workload.conf");
      expect(hint).toContain("backup-azure-linux-database-consistent-enhanced-pre-post");
      expect(hint).toMatch(/root-owned, mode 600/);
      expect(hint).toMatch(/mode 700/);
      expect(entry.consistencyEffect).toMatch(/Application consistency lost/);
    }
    expect(lookupCode("InsufficientPermissionforPre-Script")?.action).toMatch(/700/);
  });

  it("gives no extra hint where none applies, and tells workload codes apart", () => {
    const agent = lookupCode("UserErrorGuestAgentStatusUnavailable");
    expect(agent && hintsFor(agent)).toEqual([]);
    const sql = lookupCode("UserErrorSQLLSNValidationFailure");
    expect(sql?.scope).not.toBe("vm"); // a workload-backup code, not a VM snapshot code
    expect(agent?.scope).toBe("vm");
    expect(CATALOGUE_DATA.filter((e) => e.scope !== "vm")).toHaveLength(46);
  });

  it("gives the documented extra steps for VSS writers in a bad state, and sends third-party writers to their vendor", () => {
    const entry = lookupCode("ExtensionFailedVssWriterInBadState");
    const steps = entry
      ? hintsFor(entry)
          .map((a) => a.text)
          .join(" ")
      : "";
    expect(steps).toMatch(/free disk space, memory .* CPU/);
    expect(steps).toMatch(/resize/);
    expect(steps).toContain("BcdrAgentPersistentKeys value SnapshotWithoutThreads = True");
    expect(steps).toMatch(/schedule away from .*IOPS-heavy hours/);
    expect(steps).toMatch(/collect the VSS logs/);
    expect(steps).toMatch(/not Microsoft's belongs to its vendor/);
    for (const advice of entry ? hintsFor(entry) : []) expect(advice.docUrl).toBe(entry?.docUrl);
  });

  it("says the Linux script fallback as the extension does it: multi-disk fails, single-disk falls back to crash", () => {
    for (const entry of CATALOGUE_DATA.filter(isScriptWarning)) {
      expect(entry.consistencyEffect).toMatch(/continueBackupOnFailure true .* file-system/);
      expect(entry.consistencyEffect).toMatch(/false a multi-disk VM's job fails/);
      expect(entry.consistencyEffect).toMatch(/single-disk VM's point is crash-consistent/);
    }
  });

  it("asks to check that the application resumed when a post-script did not run", () => {
    for (const code of [
      "Post-ScriptNotFound",
      "Post-ScriptTimeout",
      "InsufficientPermissionforPost-Script",
      "Post-ScriptExecutionFailed",
    ]) {
      expect(lookupCode(code)?.action, code).toMatch(/application resumed/);
    }
    expect(lookupCode("Pre-ScriptNotFound")?.action).not.toMatch(/resumed/);
  });

  it("files the BitLocker snapshot error under VSS and AzureVmOffline under the VM agent, not power", () => {
    expect(lookupCode("ExtensionSnapshotBitlockerError")?.category).toBe("vss");
    expect(lookupCode("ExtensionSnapshotBitlockerError")?.summary).toMatch(/VSS operation error/);
    const offline = lookupCode("AzureVmOffline");
    expect(offline?.category).toBe("agent");
    expect(offline?.summary).toMatch(/VM agent/);
    expect(offline?.summary).toMatch(/not power: stopped VMs are backed up/);
    expect(offline?.action).not.toMatch(/Start the VM/);
  });

  it("says that Windows application consistency covers only applications with a VSS writer", () => {
    expect(WINDOWS_APP_CONSISTENCY_NOTE.text).toMatch(/only apps with a VSS writer/);
    expect(WINDOWS_APP_CONSISTENCY_NOTE.text).toMatch(/Oracle/);
    expect(WINDOWS_APP_CONSISTENCY_NOTE.docUrl).toBe(CONSISTENCY_DOC_URL);
  });
});

describe("documented misspellings", () => {
  it("accepts the NotSuppported spelling of each cross-subscription restore code as an alias", () => {
    const codes = CATALOGUE_DATA.map((e) => e.code).filter((c) =>
      c.startsWith("UserErrorCrossSubscriptionRestoreNotSupported"),
    );
    expect(codes).toHaveLength(6);
    for (const code of codes) {
      const alias = code.replace("NotSupported", "NotSuppported");
      expect(lookupCode(alias)?.code, alias).toBe(code);
      expect(lookupCode(alias.toUpperCase())?.code, alias).toBe(code);
    }
    expect(lookupCode("UserErrorCrossSubscriptionRestoreInvalidTenant")?.code).toBe(
      "UserErrorCrossSubscriptionRestoreInvalidTenant",
    );
    expect(CATALOGUE_DATA).toHaveLength(114);
  });
});

/**
 * The Learn pages the reference list names (its sources table and every code's link), plus the pages the
 * advice links beyond the codes, each read in MicrosoftDocs/azure-docs under articles/backup/.
 */
function referencePages(): Set<string> {
  const md = readFileSync(new URL("../fixtures/reference/error-codes.md", import.meta.url), "utf8");
  const pages = new Set<string>();
  for (const m of md.matchAll(/https:\/\/learn\.microsoft\.com\/azure\/[a-z0-9/-]+/g)) pages.add(m[0]);
  for (const r of REFERENCE) pages.add(r.docUrl.split("#")[0] ?? "");
  return pages;
}
const ADVICE_ONLY_PAGES = [
  "https://learn.microsoft.com/azure/backup/backup-azure-linux-database-consistent-enhanced-pre-post",
];

describe("doc links", () => {
  it("names only pages of the reference list (or the advice pages checked against Microsoft's docs)", () => {
    const known = new Set([...referencePages(), ...ADVICE_ONLY_PAGES]);
    const links = [
      CONSISTENCY_DOC_URL,
      SQL_SERVER_VSS_HINT.docUrl,
      LINUX_SCRIPTS_HINT.docUrl,
      ENHANCED_SCRIPTS_HINT.docUrl,
      WINDOWS_APP_CONSISTENCY_NOTE.docUrl,
      ...CATALOGUE_DATA.flatMap((e) => [e.docUrl, ...hintsFor(e, { sqlServer: true }).map((a) => a.docUrl)]),
    ];
    for (const link of links) {
      const url = new URL(link);
      expect(url.protocol, link).toBe("https:");
      expect(known.has(`${url.origin}${url.pathname}`), link).toBe(true);
    }
    expect(known.has("https://learn.microsoft.com/azure/backup/backup-azure-vms-troubleshoot")).toBe(true);
  });

  it("would catch a misspelt page name", () => {
    const known = referencePages();
    expect(known.has("https://learn.microsoft.com/azure/backup/backup-azure-vm-troubleshoot")).toBe(false);
  });
});

describe("the catalogue in Japanese", () => {
  const vmCodes = CATALOGUE_DATA.filter((e) => e.scope === "vm");
  const kana = /[\u3040-\u30ff]/;

  it("gives every VM code a Japanese meaning and action and its ja-jp Learn page", () => {
    expect(vmCodes.length).toBeGreaterThanOrEqual(30);
    for (const entry of vmCodes) {
      const words = wordsOf(entry, "ja");
      expect(words.summary ?? "", entry.code).toMatch(kana);
      expect(words.action ?? "", entry.code).toMatch(kana);
      expect(words.docUrl, entry.code).toBe(
        entry.docUrl.replace("learn.microsoft.com/", "learn.microsoft.com/ja-jp/"),
      );
    }
    expect(wordsOf(vmCodes[0] as CatalogueEntry, "en")).toEqual({
      summary: vmCodes[0]?.summary,
      action: vmCodes[0]?.action,
      docUrl: vmCodes[0]?.docUrl,
    });
  });

  it("says the further advice in Japanese, the VSS root cause linking the Japanese VSS log-collection guide", () => {
    const writers = lookupCode("ExtensionFailedVssWriterInBadState") as CatalogueEntry;
    const en = hintsFor(writers, { sqlServer: true });
    const ja = hintsFor(writers, { sqlServer: true }, "ja");
    expect(ja).toHaveLength(en.length);
    for (const hint of ja) expect(hint.text).toMatch(kana);
    expect(ja.map((h) => h.docUrl)).toEqual([
      ...Array(4 - 1).fill(jaLearnUrl(writers.docUrl)),
      "https://jpabrs-scem.github.io/blog/RecoveryServicesVaults/RequestForInvestigating/#1-1",
      jaLearnUrl(SQL_SERVER_VSS_HINT.docUrl),
    ]);
    const script = lookupCode("Pre-ScriptTimeout") as CatalogueEntry;
    const jaScript = hintsFor(script, {}, "ja");
    expect(jaScript).toHaveLength(hintsFor(script).length);
    expect(jaScript.map((h) => h.docUrl)).toEqual(
      [LINUX_SCRIPTS_HINT, ENHANCED_SCRIPTS_HINT].map((h) => jaLearnUrl(h.docUrl)),
    );
    for (const hint of jaScript) expect(hint.text).toMatch(kana);
  });
});
