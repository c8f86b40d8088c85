/**
 * One small interface over the two engines the local backend runs on:
 * PGlite (embedded, default) and PostgreSQL through `pg` (DATABASE_URL).
 *
 * Every query takes bound parameters; nothing here builds SQL from request text.
 * Results that go back to clients are produced as JSON text by Postgres itself
 * (`json_agg`, `to_jsonb`) so both engines format values identically.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { mkdirSync } from 'node:fs';

export interface QueryResult<T = Record<string, unknown>> {
  rows: T[];
  /** Rows affected by INSERT / UPDATE / DELETE. */
  affectedRows: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

/** JWT claims a request runs under; `role` selects the Postgres role. */
export interface Claims {
  role: 'anon' | 'authenticated' | 'service_role' | string;
  sub?: string;
  [key: string]: unknown;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs several statements (no parameters): migrations, bootstrap. */
  exec(sql: string): Promise<void>;
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in a transaction as the claims' role with `request.jwt.claims` set,
   * exactly as PostgREST and Realtime do, so RLS and grants apply.
   */
  asRole<T>(claims: Claims, fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; returns an unlisten function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const ROLES = new Set(['anon', 'authenticated', 'service_role']);

export async function enterRole(tx: Queryable, claims: Claims): Promise<void> {
  const role = ROLES.has(claims.role) ? claims.role : null;
  if (!role) throw Object.assign(new Error(`role "${String(claims.role)}" does not exist`), { code: '22023' });
  // set_config(..., true) is transaction-local, like SET LOCAL.
  await tx.query(
    `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true),
            set_config('request.jwt.claim.sub', $3, true), set_config('request.jwt.claim.role', $1, true)`,
    [role, JSON.stringify(claims), typeof claims.sub === 'string' ? claims.sub : ''],
  );
}

export async function openPglite(dataDir?: string): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ? { dataDir } : undefined);
  await db.exec(`set timezone to 'UTC'`);
  const wrap = (q: { query: PGlite['query'] }): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await q.query<T>(sql, params);
      return { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
    },
  });
  const self: Db = {
    kind: 'pglite',
    ...wrap(db),
    async exec(sql) {
      await db.exec(sql);
    },
    transaction(fn) {
      return db.transaction((tx) => fn(wrap(tx as unknown as { query: PGlite['query'] })));
    },
    asRole(claims, fn) {
      return self.transaction(async (tx) => {
        await enterRole(tx, claims);
        return fn(tx);
      });
    },
    async listen(channel, onPayload) {
      const unlisten = await db.listen(channel, onPayload);
      return async () => unlisten();
    },
    async close() {
      await db.close();
    },
  };
  return self;
}

export async function openPostgres(connectionString: string): Promise<Db> {
  // Keep values as Postgres formats them; results for clients are built as JSON in SQL.
  const types = {
    getTypeParser: (oid: number, format?: string) =>
      oid === 20 ? (v: string) => Number(v) : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format),
  } as pg.CustomTypesConfig;
  const pool = new pg.Pool({ connectionString, max: 8, types, options: '-c timezone=UTC' });
  pool.on('error', (err) => console.error(`[db] idle client error: ${err.message}`));
  const wrap = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await c.query(sql, params as unknown[]);
      return { rows: r.rows as T[], affectedRows: r.rowCount ?? 0 };
    },
  });
  const listeners: pg.Client[] = [];
  const self: Db = {
    kind: 'postgres',
    ...wrap(pool),
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(wrap(client));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    asRole(claims, fn) {
      return self.transaction(async (tx) => {
        await enterRole(tx, claims);
        return fn(tx);
      });
    },
    async listen(channel, onPayload) {
      const client = new pg.Client({ connectionString });
      await client.connect();
      listeners.push(client);
      client.on('notification', (n) => {
        if (n.channel === channel) onPayload(n.payload ?? '');
      });
      client.on('error', (err) => console.error(`[db] listen connection error: ${err.message}`));
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      return async () => {
        await client.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all(listeners.map((c) => c.end().catch(() => {})));
      await pool.end();
    },
  };
  return self;
}
