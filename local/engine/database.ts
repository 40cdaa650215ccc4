import { mkdirSync } from "node:fs";
import * as path from "node:path";
import type Database from "better-sqlite3";
import { withOptionalPackages } from "../../components/optional-package";

/** A SQLite connection as the engine and the local datastore use it. */
export type LocalDatabase = Database.Database;

const transactions = new WeakMap<LocalDatabase, (fn: () => unknown) => unknown>();

/**
 * Runs `fn` as one transaction on `db` (a savepoint when one is open): all its writes or none.
 * Like `db.transaction(fn)()`, without building better-sqlite3's transaction wrapper on every call.
 */
export function atomic<T>(db: LocalDatabase, fn: () => T): T {
    let run = transactions.get(db);
    if (!run) transactions.set(db, (run = db.transaction((f: () => unknown) => f())));
    return run(fn) as T;
}

const statements = new WeakMap<LocalDatabase, Map<string, Database.Statement>>();

/** The prepared statement for `sql` on `db`, prepared once per connection. */
export function statement(db: LocalDatabase, sql: string): Database.Statement {
    let cache = statements.get(db);
    if (!cache) statements.set(db, (cache = new Map()));
    let prepared = cache.get(sql);
    if (!prepared) cache.set(sql, (prepared = db.prepare(sql)));
    return prepared;
}

/**
 * The datastore's tables, keyed by text (an idempotency key, a message id) and stored WITHOUT ROWID:
 * one b-tree per table, the key's, instead of a rowid table plus an index on the key, so each claim,
 * completion and job record writes one b-tree rather than two.
 */
const keyedTables = {
    idempotency: `(
    key TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    token TEXT NOT NULL,
    owner TEXT,
    result TEXT,
    completed_at INTEGER,
    completions INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID`,
    jobs: `(
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID`,
};

const schema = `
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    queue TEXT NOT NULL,
    body TEXT NOT NULL,
    attributes TEXT NOT NULL,
    group_key TEXT,
    deduplication_id TEXT,
    sent_at INTEGER NOT NULL,
    visible_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    enqueued_at INTEGER,
    receive_count INTEGER NOT NULL DEFAULT 0,
    receipt TEXT,
    owner TEXT,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS messages_order ON messages (queue, seq);
CREATE TABLE IF NOT EXISTS dead_letters (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    queue TEXT NOT NULL,
    body TEXT NOT NULL,
    attributes TEXT NOT NULL,
    group_key TEXT,
    deduplication_id TEXT,
    sent_at INTEGER NOT NULL,
    receive_count INTEGER NOT NULL,
    reason TEXT NOT NULL,
    dead_lettered_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS dead_letters_queue ON dead_letters (queue, seq);
CREATE TABLE IF NOT EXISTS deduplication (
    queue TEXT NOT NULL,
    deduplication_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (queue, deduplication_id)
);
${Object.entries(keyedTables).map(([name, definition]) => `CREATE TABLE IF NOT EXISTS ${name} ${definition};`).join("\n")}
`;

/**
 * Brings a file written by an earlier version up to date: `enqueued_at` (when a message became due,
 * the age priority promotion and the backlog age are measured from) was added with priority levels;
 * older rows fall back to their send time. The receipt index is gone: a receipt names its row's
 * `seq` (see QueueEngine), so settling looks the row up by primary key and every receive and
 * delete writes one index fewer. The FIFO group index holds only rows with a group key (FIFO
 * messages): standard messages, which never have one, no longer add an entry on every send and
 * remove it on every delete; an index of an older file without that condition is rebuilt. The
 * datastore's tables of an older file are rebuilt WITHOUT ROWID (see keyedTables).
 */
function migrate(db: LocalDatabase): void {
    const columns = db.pragma("table_info(messages)") as { name: string }[];
    if (!columns.some((c) => c.name === "enqueued_at")) db.exec("ALTER TABLE messages ADD COLUMN enqueued_at INTEGER");
    db.exec("UPDATE messages SET enqueued_at = sent_at WHERE enqueued_at IS NULL");
    db.exec("CREATE INDEX IF NOT EXISTS messages_age ON messages (queue, enqueued_at)");
    db.exec("DROP INDEX IF EXISTS messages_receipt");
    const group = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'messages_group'").get() as { sql: string } | undefined;
    if (group && !/\bWHERE\b/i.test(group.sql)) db.exec("DROP INDEX messages_group");
    // Used by the FIFO head query (candidatesSql in message-rows.ts).
    db.exec("CREATE INDEX IF NOT EXISTS messages_group ON messages (queue, group_key, seq) WHERE group_key IS NOT NULL");
    for (const [name, definition] of Object.entries(keyedTables)) {
        const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) as { sql: string };
        if (/WITHOUT ROWID\s*$/i.test(table.sql)) continue;
        // Same columns in the same order: copied row for row, in one transaction.
        atomic(db, () => db.exec(`CREATE TABLE ${name}_rebuilt ${definition}; INSERT INTO ${name}_rebuilt SELECT * FROM ${name}; DROP TABLE ${name}; ALTER TABLE ${name}_rebuilt RENAME TO ${name};`));
    }
}

/**
 * Opens (and creates) the database file: WAL journal, `synchronous = FULL` so every commit is on
 * disk before the call returns, and a busy timeout for readers in other processes.
 * `file` may be ":memory:" for tests that need no durability.
 */
export function openDatabase(file: string): LocalDatabase {
    if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded when the local target opens its file
    const SqliteDatabase = withOptionalPackages("the local target", ["better-sqlite3"], () => require("better-sqlite3") as typeof Database);
    const db = new SqliteDatabase(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    db.exec(schema);
    migrate(db);
    return db;
}

/**
 * Group commit: every write joins one open transaction, committed (one fsync) when the current
 * tick's work is done, so concurrent workers share the cost of a durable commit. `run` resolves
 * after the commit (for acknowledgements that must be on disk: a 202, a completed claim);
 * `runNow` returns at once (for writes whose loss on a crash only means a redelivery: receives,
 * deletes behind the idempotency guard, retries). Each call is a savepoint: a throwing call
 * rolls back alone.
 */
export class GroupCommit {
    private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
    private scheduled = false;
    /** What the open group holds that readers must not act on before the commit, e.g. "messages". */
    readonly uncommitted = new Set<string>();

    constructor(
        private readonly db: LocalDatabase,
        private readonly onCommitError: (error: unknown) => void = () => undefined,
    ) {}

    /** Runs `fn` in the open group and resolves with its value once the group is on disk. */
    run<T>(fn: () => T): Promise<T> {
        let value: T;
        try {
            value = this.runNow(fn);
        } catch (error) {
            return Promise.reject(error);
        }
        return new Promise<T>((resolve, reject) => this.waiters.push({ resolve: () => resolve(value), reject }));
    }

    /** Runs `fn` in the open group and returns its value; the commit follows at the end of the tick. */
    runNow<T>(fn: () => T): T {
        if (!this.db.inTransaction) this.db.exec("BEGIN IMMEDIATE");
        if (!this.scheduled) {
            this.scheduled = true;
            setImmediate(() => this.flush());
        }
        return atomic(this.db, fn);
    }

    /** Commits the open group now (before closing the database). */
    flush(): void {
        this.scheduled = false;
        this.uncommitted.clear();
        const waiters = this.waiters;
        this.waiters = [];
        if (!this.db.open) {
            for (const waiter of waiters) waiter.reject(new Error("the database was closed before the commit"));
            return;
        }
        try {
            if (this.db.inTransaction) this.db.exec("COMMIT");
        } catch (error) {
            if (this.db.inTransaction) this.db.exec("ROLLBACK");
            this.onCommitError(error);
            for (const waiter of waiters) waiter.reject(error);
            return;
        }
        for (const waiter of waiters) waiter.resolve();
    }
}

const groups = new WeakMap<LocalDatabase, GroupCommit>();

/** The connection's group committer (one per connection). */
export function groupCommit(db: LocalDatabase): GroupCommit {
    let group = groups.get(db);
    if (!group) groups.set(db, (group = new GroupCommit(db)));
    return group;
}
