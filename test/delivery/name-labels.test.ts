/**
 * Same-named VMs and vaults (issue 9): three VMs called `web01` (two resource groups behind one vault, one
 * behind a same-named vault in another subscription) are three lines in the digest and in the alerts, each
 * with the resource group, and the subscription where the group collides too; a VM whose name is unique
 * keeps its bare name.
 */
import { describe, expect, it } from "vitest";
import { buildDigest } from "../../src/domain/digest.js";
import type { Alert } from "../../src/domain/alert-rules.js";
import type { ClassifiedJob } from "../../src/domain/model.js";
import { genericAlerts, genericDigest } from "../../src/delivery/generic.js";
import { htmlDigest } from "../../src/delivery/html.js";
import { slackAlerts, slackDigest } from "../../src/delivery/slack.js";
import { teamsAlerts } from "../../src/delivery/teams-alerts.js";
import { teamsDigest } from "../../src/delivery/teams.js";
import { terminalDigest } from "../../src/delivery/terminal.js";
import { alertViews } from "../../src/pipeline/alert-delivery.js";
import { DAY, job, lookup } from "./sample.js";

const SUB1 = "3f2c8a51-6b0e-4f4c-9d7a-2b1e5c7d9a10";
const SUB2 = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
const vaultId = (sub: string): string =>
  `/subscriptions/${sub}/resourcegroups/rg-backup/providers/microsoft.recoveryservices/vaults/rsv-prod`;
const vmId = (sub: string, rg: string, name: string): string =>
  `/subscriptions/${sub}/resourcegroups/${rg}/providers/microsoft.compute/virtualmachines/${name.toLowerCase()}`;

const failed = { status: "Failed", consistency: "none", degraded: true } as const;
const jobs: ClassifiedJob[] = [
  job({ vm: "web01", vmId: vmId(SUB1, "rg-app", "web01"), vaultId: vaultId(SUB1), ...failed }),
  job({ vm: "web01", vmId: vmId(SUB1, "rg-web", "web01"), vaultId: vaultId(SUB1), ...failed }),
  job({ vm: "web01", vmId: vmId(SUB2, "rg-app", "web01"), vaultId: vaultId(SUB2) }),
  job({ vm: "DB01", vmId: vmId(SUB1, "rg-app", "DB01"), vaultId: vaultId(SUB1), ...failed }),
];
const digest = buildDigest({
  date: DAY,
  jobs,
  trends: [],
  yesterday: [],
  vmStates: [],
  knownVms: [
    ...jobs,
    { vm: "web01", vault: "rsv-prod", vmId: vmId(SUB2, "rg-old", "web01"), vaultId: vaultId(SUB2) },
  ],
  coverage: { workspacesQueried: ["w"] },
  lookup,
  generatedAt: `${DAY}T07:00:00.000Z`,
});

const A = "web01 (rg-app, 3f2c8a51)";
const B = "web01 (rg-web)";
const C = "web01 (rg-app, 9a1b2c3d)";
const D = "web01 (rg-old)";
const VAULT1 = "rsv-prod (rg-backup, 3f2c8a51)";
const VAULT2 = "rsv-prod (rg-backup, 9a1b2c3d)";

describe("the digest tells same-named VMs and vaults apart", () => {
  it("keeps each VM apart and labels it only where its name collides", () => {
    expect(digest.headline.counts.vms).toBe(4);
    expect(digest.changes.newFailures.map((c) => [c.vmLabel, c.vaultLabel])).toEqual([
      ["DB01", VAULT1],
      [A, VAULT1],
      [B, VAULT1],
    ]);
    expect(digest.changes.newFailures[1]).toMatchObject({
      vm: "web01",
      vmId: vmId(SUB1, "rg-app", "web01"),
      vaultId: vaultId(SUB1),
    });
    expect(digest.persisting.noJobToday.map((m) => [m.vmLabel, m.vaultLabel])).toEqual([[D, VAULT2]]);
    expect(digest.coverage.vaultsSeen).toEqual([VAULT1, VAULT2]);
    expect(digest.topCodes).toEqual([]);
    expect(digest.vms.map((v) => v.vmLabel).sort()).toEqual(["DB01", A, C, B].sort());
  });

  it.each([
    ["terminal", terminalDigest(digest)],
    ["html", htmlDigest(digest)],
    ["teams", teamsDigest(digest).body],
    ["slack", slackDigest(digest).body],
    ["generic", genericDigest(digest).body],
  ])("%s shows the labels", (_name, out) => {
    for (const label of [A, B, D, VAULT1, VAULT2]) expect(out).toContain(label);
    expect(out).toContain("DB01");
    expect(out).not.toContain("DB01 (");
  });
});

describe("alerts tell same-named VMs apart", () => {
  const alert = (j: ClassifiedJob): Alert => ({
    rule: "consecutive-failures",
    rules: ["consecutive-failures"],
    key: `consecutive-failures|${j.vmId}`,
    keys: [`consecutive-failures|${j.vmId}`],
    reasons: [`${j.vm}: backup failed`],
    vault: j.vault,
    vm: j.vm,
    vmId: j.vmId,
    vaultId: j.vaultId,
    jobId: j.jobId,
    at: j.start,
    title: `${j.vm}: backup failed`,
    detail: `Vault ${j.vault}: job ${j.jobId} failed.`,
    errorCode: null,
    action: null,
    hints: [],
    docUrl: null,
  });
  const views = alertViews([alert(jobs[0]!), alert(jobs[3]!)], jobs);

  it("labels the VM and vault from every job read, the title too", () => {
    expect(views.map((v) => [v.vmLabel, v.vaultLabel, v.title])).toEqual([
      [A, VAULT1, `${A}: backup failed`],
      ["DB01", VAULT1, "DB01: backup failed"],
    ]);
  });

  it.each([
    ["teams", teamsAlerts(views).body],
    ["slack", slackAlerts(views).body],
    ["generic", genericAlerts(views).body],
  ])("%s shows the labels", (_name, out) => {
    expect(out).toContain(A);
    expect(out).toContain(VAULT1);
  });
});
