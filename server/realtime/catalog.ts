/**
 * What the realtime server needs to know about published tables, read from the catalog and
 * cached: columns (attnum order, pg_type.typname, the cast type), primary key, RLS flag, replica
 * identity, and per role the columns it may SELECT and whether it bypasses RLS.
 *
 * Identifiers used in generated SQL come only from here (quote_ident / regtype text from Postgres).
 */
import type { Db } from '../db.ts';

export interface ColumnMeta {
  name: string;
  attnum: number;
  /** pg_type.typname as Realtime reports it (`int4`, `text`, `_text`, `timestamptz` …). */
  typname: string;
  /** `atttypid::regtype::text`, safe to splice after `::` in SQL. */
  castType: string;
  /** quote_ident(name), safe to splice in SQL. */
  ident: string;
  pk: boolean;
}

export interface TableMeta {
  key: string; // "schema.table" (raw names)
  schema: string;
  table: string;
  oid: number;
  /** quote_ident(schema) || '.' || quote_ident(table) */
  qname: string;
  rls: boolean;
  /** relreplident: d default, f full, i index, n nothing */
  replident: string;
  columns: ColumnMeta[];
  pkColumns: ColumnMeta[];
}

export interface RoleView {
  /** Columns the role may SELECT, attnum order. */
  columns: ColumnMeta[];
  /** JSON for the push payload's `columns` field. */
  columnsJson: string;
  pkSelectable: boolean;
  bypassRls: boolean;
  /** False when the role does not exist in the database. */
  exists: boolean;
}

export const PUBLICATION = 'supabase_realtime';
const CACHE_MS = 10_000;

export class Catalog {
  private tables = new Map<string, { at: number; meta: Promise<TableMeta | null> }>();
  private roles = new Map<string, { at: number; view: Promise<RoleView> }>();

  constructor(private readonly db: Db) {}

  static key(schema: string, table: string): string {
    return `${schema}.${table}`;
  }

  /** Published tables matching a binding's schema/table (`*` ⇒ any), as Realtime's LIKE query does. */
  async publishedTables(schema: string, table: string): Promise<{ schema: string; table: string }[]> {
    const r = await this.db.query<{ schemaname: string; tablename: string }>(
      `select schemaname, tablename from pg_publication_tables
        where pubname = $1
          and schemaname like (case $2 when '*' then '%' else $2 end) escape ''
          and tablename like (case $3 when '*' then '%' else $3 end) escape ''
        order by schemaname, tablename`,
      [PUBLICATION, schema, table],
    );
    return r.rows.map((x) => ({ schema: x.schemaname, table: x.tablename }));
  }

  table(schema: string, table: string): Promise<TableMeta | null> {
    const key = Catalog.key(schema, table);
    const hit = this.tables.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.meta;
    const meta = this.loadTable(schema, table).catch((err) => {
      this.tables.delete(key);
      throw err;
    });
    this.tables.set(key, { at: Date.now(), meta });
    return meta;
  }

  private async loadTable(schema: string, table: string): Promise<TableMeta | null> {
    const rel = await this.db.query<{ oid: number; qname: string; rls: boolean; replident: string }>(
      `select c.oid::int as oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname) as qname,
              c.relrowsecurity as rls, c.relreplident::text as replident
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p')`,
      [schema, table],
    );
    const r = rel.rows[0];
    if (!r) return null;
    const cols = await this.db.query<{ name: string; attnum: number; typname: string; casttype: string; ident: string; pk: boolean }>(
      `select a.attname::text as name, a.attnum::int as attnum, t.typname::text as typname,
              a.atttypid::regtype::text as casttype, quote_ident(a.attname) as ident,
              coalesce(a.attnum = any(i.indkey::int2[]), false) as pk
         from pg_attribute a
         join pg_type t on t.oid = a.atttypid
         left join pg_index i on i.indrelid = a.attrelid and i.indisprimary
        where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
        order by a.attnum`,
      [r.oid],
    );
    const columns: ColumnMeta[] = cols.rows.map((c) => ({
      name: c.name,
      attnum: Number(c.attnum),
      typname: c.typname,
      castType: c.casttype,
      ident: c.ident,
      pk: !!c.pk,
    }));
    return {
      key: Catalog.key(schema, table),
      schema,
      table,
      oid: Number(r.oid),
      qname: r.qname,
      rls: !!r.rls,
      replident: r.replident,
      columns,
      pkColumns: columns.filter((c) => c.pk),
    };
  }

  roleView(meta: TableMeta, role: string): Promise<RoleView> {
    const key = `${meta.oid}|${role}`;
    const hit = this.roles.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.view;
    const view = this.loadRoleView(meta, role).catch((err) => {
      this.roles.delete(key);
      throw err;
    });
    this.roles.set(key, { at: Date.now(), view });
    return view;
  }

  private async loadRoleView(meta: TableMeta, role: string): Promise<RoleView> {
    const exists = await this.db.query<{ bypass: boolean }>(`select rolbypassrls as bypass from pg_roles where rolname = $1`, [role]);
    const roleRow = exists.rows[0];
    if (!roleRow) return { columns: [], columnsJson: '[]', pkSelectable: false, bypassRls: false, exists: false };
    const r = await this.db.query<{ attnum: number }>(
      `select a.attnum::int as attnum from pg_attribute a
        where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
          and has_column_privilege($2, a.attrelid, a.attnum, 'SELECT')
        order by a.attnum`,
      [meta.oid, role],
    );
    const allowed = new Set(r.rows.map((x) => Number(x.attnum)));
    const columns = meta.columns.filter((c) => allowed.has(c.attnum));
    return {
      columns,
      columnsJson: JSON.stringify(columns.map((c) => ({ name: c.name, type: c.typname }))),
      pkSelectable: meta.pkColumns.length > 0 && meta.pkColumns.every((c) => allowed.has(c.attnum)),
      bypassRls: !!roleRow.bypass,
      exists: true,
    };
  }
}
