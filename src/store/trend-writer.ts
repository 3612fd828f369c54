/**
 * The batch writer: sends planned rows (trend-plan.ts) partition by partition, in transactions of at most
 * 100 actions, and counts what it sent.
 */
import { RestError, type TableClient, type TableEntity, type TransactionAction } from "@azure/data-tables";
import type { Row } from "./entity.js";
import { TABLE_NAMES, type TableRole } from "./keys.js";
import { MAX_TRANSACTION_ACTIONS, statusOf } from "./tables.js";
import type { PlannedRow } from "./trend-plan.js";

export interface WriteDayResult {
  transactions: number;
  /** Entities upserted or deleted. */
  entities: number;
  /** Transactions per table (by base name, e.g. `PulseJobs`). */
  transactionsByTable: Record<string, number>;
  /** Entities upserted or deleted per table (by base name). */
  entitiesByTable: Record<string, number>;
  /**
   * Partitions written (table and PartitionKey). Each gets ceil(its entities / 100) transactions (the
   * partition one more when a re-run also removes some of its rows).
   */
  partitions: number;
}

type Action = TransactionAction;

/**
 * A transaction of a partition planned without listing it (it was known to be empty) found it was not: a row
 * to create exists. The caller lists the partition and plans again.
 */
export class PartitionNotEmptyError extends Error {
  constructor(readonly partition: string) {
    super(`partition ${partition} held rows it was planned without`);
    this.name = "PartitionNotEmptyError";
  }
}

/** Writes the partitions of one day and adds up what it sent in `result`. */
export class BatchWriter {
  readonly result: WriteDayResult = {
    transactions: 0,
    entities: 0,
    transactionsByTable: {},
    entitiesByTable: {},
    partitions: 0,
  };
  private readonly written = new Set<string>();

  constructor(
    private readonly client: (role: TableRole) => TableClient,
    /** Called once per transaction sent. */
    private readonly onTransaction: () => void = () => {},
  ) {}

  /**
   * Sends one partition's rows in transactions of at most 100, one after another. Each transaction's
   * entities are built just before it is sent.
   */
  async write(
    role: TableRole,
    partition: string,
    plan: readonly PlannedRow[],
    /** The plan assumed the partition empty: a conflict throws {@link PartitionNotEmptyError}. */
    assumedEmpty = false,
  ): Promise<void> {
    if (plan.length === 0) return;
    this.touched(role, partition);
    for (let i = 0; i < plan.length; i += MAX_TRANSACTION_ACTIONS) {
      const actions = plan
        .slice(i, i + MAX_TRANSACTION_ACTIONS)
        .map((p): Action =>
          p.make
            ? writeAction(p.make(), p.stored)
            : ["delete", { partitionKey: partition, rowKey: p.rowKey }],
        );
      await this.submit(role, partition, actions, assumedEmpty);
    }
  }

  /** Counts a write sent outside {@link write}: one transaction of `entities` entities in `partition`. */
  count(role: TableRole, partition: string, entities: number): void {
    this.touched(role, partition);
    this.sent(TABLE_NAMES[role]);
    this.stored(TABLE_NAMES[role], entities);
  }

  private touched(role: TableRole, partition: string): void {
    this.written.add(`${role}/${partition}`);
    this.result.partitions = this.written.size;
  }

  /** One transaction sent to the table `name`. */
  private sent(name: string): void {
    this.onTransaction();
    this.result.transactions += 1;
    this.result.transactionsByTable[name] = (this.result.transactionsByTable[name] ?? 0) + 1;
  }

  /** Entities written or deleted in the table `name`. */
  private stored(name: string, entities: number): void {
    this.result.entities += entities;
    this.result.entitiesByTable[name] = (this.result.entitiesByTable[name] ?? 0) + entities;
  }

  /**
   * One transaction. Creates and updates are chosen from the rows listed before writing; when the partition
   * changed in between (another run wrote the same day), the transaction fails as a whole and is sent once
   * more as upserts, with the deletes made one by one (a row already gone is fine).
   */
  private async submit(
    role: TableRole,
    partition: string,
    actions: Action[],
    assumedEmpty: boolean,
  ): Promise<void> {
    const client = this.client(role);
    const name = TABLE_NAMES[role];
    const count = (): void => this.sent(name);
    try {
      try {
        await client.submitTransaction(actions);
        count();
      } catch (error) {
        if (!isConflict(error)) throw error;
        count();
        if (assumedEmpty) throw new PartitionNotEmptyError(partition);
        const upserts = actions.flatMap((a): Action[] =>
          a[0] === "delete" ? [] : [["upsert", a[1] as TableEntity<Row>, "Replace"]],
        );
        if (upserts.length > 0) {
          await client.submitTransaction(upserts);
          count();
        }
        for (const a of actions) {
          if (a[0] !== "delete") continue;
          try {
            await client.deleteEntity(a[1].partitionKey, a[1].rowKey);
          } catch (e) {
            if (statusOf(e) !== 404) throw e;
          }
        }
      }
    } catch (error) {
      if (error instanceof PartitionNotEmptyError) throw error;
      throw new Error(
        `Storing ${actions.length} rows of ${name} (partition ${partition}) failed: ${describe(error)}`,
        { cause: error },
      );
    }
    this.stored(name, actions.length);
  }
}

/**
 * Writing a whole row: an insert for a row known not to be stored, a replace for one known to be stored,
 * an upsert when that was not looked up. (An upsert does either; saying which spares the service a
 * look-up. Table Storage bills them alike.)
 */
function writeAction(row: Row, stored: boolean | null): Action {
  const entity = row as TableEntity<Row>;
  if (stored === null) return ["upsert", entity, "Replace"];
  return stored ? ["update", entity, "Replace"] : ["create", entity];
}

/** 409 (a row to insert exists) or 404 (a row to replace or delete is gone): the partition changed. */
function isConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 404;
}

function describe(error: unknown): string {
  if (error instanceof RestError) return `${error.statusCode ?? "no status"} ${error.code ?? ""}`.trim();
  return error instanceof Error ? error.message : String(error);
}
