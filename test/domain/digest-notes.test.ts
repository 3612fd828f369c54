import { describe, expect, it } from "vitest";
import { WINDOWS_APP_CONSISTENCY_NOTE } from "../../src/domain/catalogue.js";
import { readDay } from "../../src/domain/digest/day.js";
import { digestNotes } from "../../src/domain/digest/notes.js";
import { OFFLINE_VM_NOTE } from "../../src/domain/digest.js";
import type { ClassifiedJob } from "../../src/domain/model.js";
import { classifiedJob } from "../support/jobs.js";

let seq = 0;
const job = (fields: Partial<ClassifiedJob> = {}): ClassifiedJob =>
  classifiedJob({ jobId: `j${++seq}`, start: "2026-11-24T22:00:00Z", ...fields });

describe("digest notes", () => {
  it("says a stopped VM's crash point is safe if it was shut down cleanly, and names the VM", () => {
    const notes = digestNotes([
      job({
        vm: "vm-dev-01",
        consistency: "crash",
        powerState: "stopped",
        expectedConsistency: "application",
      }),
    ]);
    expect(notes).toContain(OFFLINE_VM_NOTE);
    expect(notes).toContain(
      "Offline at backup time (crash-consistent): safe if shut down cleanly: vm-dev-01.",
    );
  });

  it("tells a running VM's crash fallback and an unknown power state apart", () => {
    const notes = digestNotes([
      job({ vm: "vm-a", consistency: "crash", powerState: "running", degraded: true }),
      job({ vm: "vm-b", consistency: "crash", powerState: "unknown" }),
    ]).join("\n");
    expect(notes).toContain("Crash-consistent while running (a fallback, below what is expected): vm-a.");
    expect(notes).toContain("whether the VM was running is not known: vm-b.");
    expect(notes).not.toContain("Offline at backup time");
  });

  it("counts warnings whose consistency is not confirmed, in the notes and the headline counts", () => {
    const jobs = [
      job({ vm: "vm-a", status: "CompletedWithWarnings", consistency: "unknown", errorCode: "UserErrorNew" }),
      job({ vm: "vm-b", status: "CompletedWithWarnings", consistency: "file-system", errorCode: "X" }),
      job({ vm: "vm-c", os: "unknown", consistency: "unknown" }),
    ];
    expect(readDay("2026-11-24", jobs).counts.notConfirmed).toBe(1);
    expect(digestNotes(jobs)).toContain("Consistency not confirmed (warning, point not read): vm-a.");
  });

  it("says what Windows application consistency covers where it is reported, and only then", () => {
    expect(digestNotes([job()])).toContain(WINDOWS_APP_CONSISTENCY_NOTE.text);
    expect(digestNotes([job({ os: "Linux" })])).not.toContain(WINDOWS_APP_CONSISTENCY_NOTE.text);
    expect(digestNotes([job({ consistency: "file-system" })])).not.toContain(
      WINDOWS_APP_CONSISTENCY_NOTE.text,
    );
  });

  it("caps the names it lists", () => {
    const many = Array.from({ length: 7 }, (_, i) =>
      job({ vm: `vm-${i}`, consistency: "crash", powerState: "stopped" }),
    );
    expect(digestNotes(many).join("\n")).toContain("vm-0, vm-1, vm-2, vm-3, vm-4 and 2 more.");
  });
});
