import { describe, expect, it } from "vitest";
import { JobIds } from "../../src/logs/job-ids.js";

function guid(n: number): string {
  const hex = (n >>> 0).toString(16).padStart(8, "0");
  return `${hex}-${(n % 65536).toString(16).padStart(4, "0")}-4a7e-9c3d-${n.toString(16).padStart(12, "0")}`;
}

describe("JobIds", () => {
  it("finds a GUID in any case, and spells it as the row that set it last wrote it", () => {
    const ids = new JobIds();
    const id = "6C1D000F-2a7e-4B1F-9c3d-00000000000F";
    expect(ids.entryOf(id, 0)).toBe(0);
    expect(ids.text(0)).toBe(id);
    expect(ids.entryOf(id.toLowerCase(), 1)).toBe(0);
    expect(ids.indexOf(id.toUpperCase())).toBe(0);
    expect(ids.text(0)).toBe(id);
    ids.spell(0, id.toUpperCase());
    expect(ids.text(0)).toBe(id.toUpperCase());
    ids.spell(0, id.toLowerCase());
    expect(ids.text(0)).toBe(id.toLowerCase());
    ids.spell(0, id);
    expect(ids.text(0)).toBe(id);
  });

  it("keeps other IDs as text, compared without regard to case", () => {
    const ids = new JobIds();
    expect(ids.entryOf("Job-1", 0)).toBe(0);
    expect(ids.entryOf("job-1", 1)).toBe(0);
    expect(ids.entryOf("6c1d000f-2a7e-4b1f-9c3d-00000000000g", 1)).toBe(1);
    expect(ids.entryOf("6c1d000f 2a7e-4b1f-9c3d-00000000000f", 2)).toBe(2);
    expect(ids.entryOf("6c1d000f-2a7e-4b1f-9c3d-00000000000f", 3)).toBe(3);
    expect(ids.indexOf("JOB-1")).toBe(0);
    expect(ids.indexOf("job-2")).toBe(-1);
    expect(ids.indexOf("6c1d000f-2a7e-4b1f-9c3d-00000000000e")).toBe(-1);
    ids.spell(0, "JOB-1");
    expect([0, 1, 2, 3].map((k) => ids.text(k))).toEqual([
      "JOB-1",
      "6c1d000f-2a7e-4b1f-9c3d-00000000000g",
      "6c1d000f 2a7e-4b1f-9c3d-00000000000f",
      "6c1d000f-2a7e-4b1f-9c3d-00000000000f",
    ]);
  });

  it("tells 100,000 GUIDs apart as the table grows, and finds each again", () => {
    const ids = new JobIds();
    const n = 100_000;
    for (let k = 0; k < n; k++) expect(ids.entryOf(guid(k * 7919), k)).toBe(k);
    for (let k = 0; k < n; k += 97) {
      expect(ids.indexOf(guid(k * 7919).toUpperCase())).toBe(k);
      expect(ids.text(k)).toBe(guid(k * 7919));
    }
    expect(ids.indexOf(guid(n * 7919))).toBe(-1);
    expect(ids.entryOf(guid(3 * 7919), n)).toBe(3);
  });
});
