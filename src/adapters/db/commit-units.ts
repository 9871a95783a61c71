import type { ColocatedAppend, CommitUnit } from '../../ports/colocated-append.js';
import { GroupCommitter } from './group-commit.js';
import { mayBeOneRow } from './sql-state.js';
import type { SqlClient, SqlQueryable, Statement } from './sql-client.js';
import { asOneStatement } from './statements.js';

/** What a writer planned for a batch: one result per part, and the rows that record them. */
export interface Planned<R> {
  results: R[];
  statements: Statement[];
}

/**
 * Plans a batch's rows for a transaction someone else commits. `tx` is that transaction where other
 * processes write the same tables (the plan takes their lock in it), undefined where this one
 * alone writes. `inputs` are what the writer planned before this one returned, part by part.
 */
export type PlanBatch<P, R, In> = (tx: SqlQueryable | undefined, parts: P[], inputs: In[]) => Promise<Planned<R>>;

/** A writer that commits in someone else's transaction. */
export interface BatchWriter<P, R, In = never> {
  /** no other process writes its tables: its plans need no transaction */
  readonly exclusive: boolean;
  /** Runs `work` holding the writer's lock; if `work` fails, the writer forgets what it planned. */
  atomically<T>(work: (plan: PlanBatch<P, R, In>) => Promise<T>): Promise<T>;
}

interface Joined<A, W> {
  append: A;
  record: W;
}

/**
 * Commits a log append and the record it anchors in one transaction of a group commit: the log
 * (`appends`) plans its leaves for the whole batch first, the record's writer (`records`) then
 * plans its rows with the entries the log planned, and one statement commits both. Neither writer
 * knows the other; the composition root pairs them. One round trip where both are exclusive.
 */
export class CommitUnits<A, E, W> implements ColocatedAppend {
  private readonly commits: GroupCommitter<Joined<A, W>, E>;

  constructor(
    private readonly db: SqlClient,
    private readonly appends: BatchWriter<A, E>,
    private readonly records: BatchWriter<W, unknown, E>,
    maxBatch = 500,
  ) {
    // one caller's row that the database refuses must not fail the others committed with it
    this.commits = new GroupCommitter((batch) => this.flush(batch), maxBatch, mayBeOneRow);
  }

  open(): CommitUnit {
    return new Unit<A, E, W>((joined) => this.commits.submit(joined));
  }

  private flush(batch: Joined<A, W>[]): Promise<E[]> {
    return this.appends.atomically((planAppends) =>
      this.records.atomically(async (planRecords) => {
        const rows = async (tx: SqlQueryable | undefined) => {
          const appended = await planAppends(
            tx,
            batch.map((j) => j.append),
            [],
          );
          const recorded = await planRecords(
            tx,
            batch.map((j) => j.record),
            appended.results,
          );
          return { entries: appended.results, statement: asOneStatement([...recorded.statements, ...appended.statements]) };
        };
        if (this.appends.exclusive && this.records.exclusive) {
          const { entries, statement } = await rows(undefined);
          await this.db.batch([statement]);
          return entries;
        }
        return this.db.transaction(async (tx) => {
          const { entries, statement } = await rows(tx);
          await tx.query(statement.text, statement.params);
          return entries;
        });
      }),
    );
  }
}

/** The log's part of a unit: resolves to its entry once the unit committed. */
export function joinAppend<A, E>(unit: CommitUnit, append: A): Promise<E> {
  return asUnit<A, E, unknown>(unit).join('append', append) as Promise<E>;
}

/** The record's part of a unit: resolves once the unit committed. */
export async function joinRecord<W>(unit: CommitUnit, record: W): Promise<void> {
  await asUnit<unknown, unknown, W>(unit).join('record', record);
}

function asUnit<A, E, W>(unit: CommitUnit): Unit<A, E, W> {
  if (!(unit instanceof Unit)) throw new TypeError('a commit unit must come from CommitUnits.open');
  return unit as Unit<A, E, W>;
}

/** Collects both parts; the pair is submitted once both joined, and each part settles with the commit. */
class Unit<A, E, W> implements CommitUnit {
  private parts: Partial<Joined<A, W>> = {};
  private readonly settled: Promise<E>;
  private start!: (joined: Joined<A, W>) => void;
  private fail!: (reason: unknown) => void;
  private submitted = false;

  constructor(submit: (joined: Joined<A, W>) => Promise<E>) {
    this.settled = new Promise<Joined<A, W>>((resolve, reject) => {
      this.start = resolve;
      this.fail = reject;
    }).then(submit);
    this.settled.catch(() => undefined); // each part's caller hears the failure; the unit itself need not
  }

  join<K extends keyof Joined<A, W>>(role: K, part: Joined<A, W>[K]): Promise<E> {
    if (this.submitted || role in this.parts) return Promise.reject(new Error(`this commit unit already has its ${role}`));
    this.parts[role] = part;
    if ('append' in this.parts && 'record' in this.parts) {
      this.submitted = true;
      this.start(this.parts as Joined<A, W>);
    }
    return this.settled;
  }

  cancel(reason: unknown): void {
    if (!this.submitted) this.fail(reason);
  }
}
