/**
 * The jobs a read keeps, one entry per job ID in the order the IDs first came, held in columns rather than as
 * one object per job: a large read holds far fewer objects (numbers unboxed, the place and code texts shared),
 * and a job's object is built only when it is asked for. A later row of the same job ID fills the same entry.
 */
import type { BackupJob, ExclusionReason, JobStatus, OsType } from "../domain/model.js";
import type { KeptPlace } from "./normalise-intern.js";
import { vmIdOf } from "../domain/identity.js";
import { JobIds } from "./job-ids.js";

/** The jobs of a read, by position: an array of them is one. */
export interface JobList {
  readonly length: number;
  at(index: number): BackupJob | undefined;
  /** The job at `index` without its ID (cheaper to build than the whole job), where the list can give it. */
  facts?(index: number): JobFacts | undefined;
}

/** A job without its ID; `place` is one object for all the jobs of a read that share vm, vault and their IDs. */
export type JobFacts = Omit<BackupJob, "jobId"> & { place: object };

const STATUSES: readonly JobStatus[] = ["Completed", "CompletedWithWarnings", "Failed", "Cancelled"];
const OSES: readonly OsType[] = ["Windows", "Linux", "unknown"];
const REASONS: readonly (ExclusionReason | null)[] = [
  null,
  "in-progress",
  "log-backup",
  "not-backup",
  "not-vm",
  "legacy-v1",
  "deleted",
];
const STATUS = new Map(STATUSES.map((s, i) => [s, i]));
const OS = new Map(OSES.map((s, i) => [s, i << 2]));
const REASON = new Map(REASONS.map((s, i) => [s, i << 4]));

/** Numbers per entry: TimeGenerated, start, duration (NaN for none). */
const NUMBERS = 3;
/** References per entry: place, code, workspace ID. */
const REFS = 3;

export class JobColumns {
  size = 0;
  /** Per entry: status (bits 0-1), OS (bits 2-3), why it is left out (bits 4-6, 0 for a job that is kept). */
  private facts = new Uint8Array(1024);
  private numbers = new Float64Array(1024 * NUMBERS);
  private readonly refs: (string | KeptPlace | null)[] = [];
  private readonly ids = new JobIds();
  /** Jobs held whole (a legacy job is completed from records read later), by entry. */
  private readonly whole = new Map<number, BackupJob>();

  /** The entry of a job ID (any case): a new one, at index `size` before the call, for an ID not seen before. */
  entryOf(jobId: string): number {
    const index = this.ids.entryOf(jobId, this.size);
    if (index < this.size) return index;
    this.size++;
    if (index === this.facts.length) {
      const facts = new Uint8Array(index * 2);
      facts.set(this.facts);
      this.facts = facts;
      const numbers = new Float64Array(index * 2 * NUMBERS);
      numbers.set(this.numbers);
      this.numbers = numbers;
    }
    this.refs.push(null, null, null);
    return index;
  }

  /** The entry of a job ID (any case), or -1. */
  indexOf(jobId: string): number {
    return this.ids.indexOf(jobId);
  }

  /** The entry's job ID is now written as `jobId` writes it (a later row of the same job). */
  spell(index: number, jobId: string): void {
    this.ids.spell(index, jobId);
  }

  timeGenerated(index: number): number {
    return this.numbers[index * NUMBERS] ?? 0;
  }

  /** The entry's winning row so far is left out. */
  exclude(index: number, timeGeneratedMs: number, reason: ExclusionReason): void {
    this.numbers[index * NUMBERS] = timeGeneratedMs;
    this.facts[index] = REASON.get(reason) ?? 0;
    const r = index * REFS;
    this.refs[r] = null;
    this.refs[r + 1] = null;
    if (this.whole.size > 0) this.whole.delete(index);
  }

  /** The entry's winning row so far is a job. */
  keep(
    index: number,
    timeGeneratedMs: number,
    place: KeptPlace,
    facts: {
      status: JobStatus;
      os: OsType;
      startMs: number;
      durationSec: number | null;
      code: string | null;
    },
    workspaceId: string | null,
  ): void {
    const n = index * NUMBERS;
    this.numbers[n] = timeGeneratedMs;
    this.numbers[n + 1] = facts.startMs;
    this.numbers[n + 2] = facts.durationSec ?? NaN;
    this.facts[index] = (STATUS.get(facts.status) ?? 0) | (OS.get(facts.os) ?? 0);
    const r = index * REFS;
    this.refs[r] = place;
    this.refs[r + 1] = facts.code;
    this.refs[r + 2] = workspaceId;
    if (this.whole.size > 0) this.whole.delete(index);
  }

  /** The entry's winning row so far is a job held whole. */
  keepWhole(index: number, job: BackupJob): void {
    this.numbers[index * NUMBERS] = job.timeGeneratedMs;
    this.facts[index] = 0;
    this.whole.set(index, job);
  }

  /** The job held whole at the entry, if that is how it is held. */
  wholeAt(index: number): BackupJob | undefined {
    return this.whole.get(index);
  }

  exclusion(index: number): ExclusionReason | null {
    return REASONS[(this.facts[index] ?? 0) >> 4] ?? null;
  }

  /** The job of a kept entry, built now. */
  job(index: number): BackupJob {
    const whole = this.whole.get(index);
    if (whole !== undefined) {
      // A legacy job's container may have come from its records: its VM ID is built now.
      whole.vmId ??= vmIdOf(null, whole.container, whole.vaultId);
      return whole;
    }
    const { place: _place, ...facts } = this.jobFacts(index);
    return { jobId: this.ids.text(index), ...facts };
  }

  /** The job of a kept entry without its ID, built now. */
  jobFacts(index: number): JobFacts {
    const whole = this.whole.get(index);
    if (whole !== undefined) {
      const { jobId: _jobId, ...facts } = this.job(index);
      return { ...facts, place: whole };
    }
    const r = index * REFS;
    const place = this.refs[r] as KeptPlace;
    const n = index * NUMBERS;
    const duration = this.numbers[n + 2] ?? NaN;
    const facts = this.facts[index] ?? 0;
    return {
      place,
      vm: place.vm,
      vault: place.vault,
      vaultId: place.vaultId,
      vmId: place.vmId ?? vmIdOf(null, place.container, place.vaultId),
      container: place.container,
      itemId: place.itemId,
      os: OSES[(facts >> 2) & 3] ?? "unknown",
      status: STATUSES[facts & 3] ?? "Completed",
      startMs: this.numbers[n + 1] ?? 0,
      durationSec: Number.isNaN(duration) ? null : duration,
      code: this.refs[r + 1] as string | null,
      timeGeneratedMs: this.numbers[n] ?? 0,
      workspaceId: this.refs[r + 2] as string | null,
    };
  }
}
