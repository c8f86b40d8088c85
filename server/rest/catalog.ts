/**
 * The REST layer's "schema cache": tables, columns and functions of schema `public`, read from
 * the catalog with bound parameters. Request identifiers are only ever looked up here; SQL uses
 * the catalog's own names, quoted.
 *
 * A miss is never cached, so tables and functions created after start become visible; a table
 * whose column is not found is re-read once before the request fails (see `column`), and a
 * request that meets a column renamed or dropped since (42703) is run again on the table re-read
 * (./index.ts `changedUnder`).
 */
import type { Queryable } from '../db.ts';

export interface Column {
  name: string;
  /** format_type(atttypid, atttypmod): a valid SQL type name straight from the catalog. */
  type: string;
  /** pg_type.typname (int4, text, _text, jsonb …). */
  typname: string;
}

export interface Table {
  name: string;
  kind: string;
  columns: Map<string, Column>;
  columnOrder: string[];
  primaryKey: string[];
}

export interface FunctionArg {
  name: string;
  type: string;
  hasDefault: boolean;
}

export interface RpcFunction {
  name: string;
  args: FunctionArg[];
  /** Named arguments only (PostgREST calls by name). */
  returnsSet: boolean;
  /** 'void', 'scalar', 'composite' */
  returnKind: 'void' | 'scalar' | 'composite';
  /** True when the function takes one unnamed json/jsonb argument (body passed whole). */
  singleUnnamedJson: boolean;
}

/** Double-quotes an identifier that came from the catalog. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(table: Table): string {
  return `"public".${quoteIdent(table.name)}`;
}

const TABLE_SQL = `
select c.relname as name, c.relkind::text as kind,
  (select coalesce(json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'typname', t.typname) order by a.attnum), '[]')::text
     from pg_attribute a join pg_type t on t.oid = a.atttypid
    where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
  (select coalesce(json_agg(pa.attname order by array_position(i.indkey::int2[], pa.attnum)), '[]')::text
     from pg_index i join pg_attribute pa on pa.attrelid = i.indrelid and pa.attnum = any(i.indkey::int2[])
    where i.indrelid = c.oid and i.indisprimary) as pk
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'public' and c.relname = $1 and c.relkind in ('r', 'v', 'm', 'f', 'p')`;

const FUNCTION_SQL = `
select p.proname as name, p.proretset as retset,
  case when p.prorettype = 'void'::regtype then 'void'
       when rt.typtype = 'c' or rt.oid = 'record'::regtype then 'composite'
       else 'scalar' end as retkind,
  p.pronargs as nargs, p.pronargdefaults as ndefaults,
  coalesce((select json_agg(json_build_object('name', coalesce(x.name, ''), 'type', format_type(x.typ, null)) order by x.ord)
     from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[]),
                 coalesce(p.proargnames, array_fill(''::text, array[p.pronargs::int])),
                 coalesce(p.proargmodes, array_fill('i'::"char", array[p.pronargs::int])))
          with ordinality as x(typ, name, mode, ord)
    where x.mode in ('i', 'b', 'v'))::text, '[]') as args
from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_type rt on rt.oid = p.prorettype
where n.nspname = 'public' and p.proname = $1 and p.prokind = 'f'
  and p.prorettype <> 'trigger'::regtype and p.prorettype <> 'event_trigger'::regtype`;

export class Catalog {
  private tables = new Map<string, Table>();
  private functions = new Map<string, RpcFunction[]>();
  private types = new Map<string, string>();

  constructor(private readonly db: Queryable) {}

  async table(name: string, refresh = false): Promise<Table | undefined> {
    if (!refresh) {
      const hit = this.tables.get(name);
      if (hit) return hit;
    }
    const r = await this.db.query<{ name: string; kind: string; columns: string; pk: string }>(TABLE_SQL, [name]);
    const row = r.rows[0];
    if (!row) {
      this.tables.delete(name);
      return undefined;
    }
    const cols = JSON.parse(row.columns) as Column[];
    const table: Table = {
      name: row.name,
      kind: row.kind,
      columns: new Map(cols.map((c) => [c.name, c])),
      columnOrder: cols.map((c) => c.name),
      primaryKey: JSON.parse(row.pk) as string[],
    };
    if (this.tables.size > 1000) this.tables.clear();
    this.tables.set(name, table);
    return table;
  }

  /** The column, re-reading the table once from the catalog if it is not known (schema changed). */
  async column(table: Table, name: string): Promise<Column | undefined> {
    const hit = table.columns.get(name);
    if (hit) return hit;
    const fresh = await this.table(table.name, true);
    const col = fresh?.columns.get(name);
    if (col && fresh) {
      // Keep the caller's table object in step with the catalog.
      table.columns = fresh.columns;
      table.columnOrder = fresh.columnOrder;
      table.primaryKey = fresh.primaryKey;
    }
    return col;
  }

  async functionsNamed(name: string): Promise<RpcFunction[]> {
    const hit = this.functions.get(name);
    if (hit) return hit;
    const r = await this.db.query<{ name: string; retset: boolean; retkind: string; nargs: number; ndefaults: number; args: string }>(
      FUNCTION_SQL,
      [name],
    );
    const list: RpcFunction[] = r.rows.map((row) => {
      const raw = JSON.parse(row.args) as { name: string; type: string }[];
      const firstDefault = Number(row.nargs) - Number(row.ndefaults);
      const args = raw.map((a, i) => ({ name: a.name, type: a.type, hasDefault: i >= firstDefault }));
      return {
        name: row.name,
        args,
        returnsSet: !!row.retset,
        returnKind: row.retkind as RpcFunction['returnKind'],
        singleUnnamedJson: args.length === 1 && args[0]!.name === '' && (args[0]!.type === 'json' || args[0]!.type === 'jsonb'),
      };
    });
    if (list.length) {
      if (this.functions.size > 1000) this.functions.clear();
      this.functions.set(name, list);
    }
    return list;
  }

  /** Canonical SQL name of a type written in a request (`col::text`), or undefined. */
  async typeName(raw: string): Promise<string | undefined> {
    if (!/^[A-Za-z_][A-Za-z0-9_ ]{0,62}(\[\])?$/.test(raw)) return undefined;
    const hit = this.types.get(raw);
    if (hit) return hit;
    try {
      const r = await this.db.query<{ t: string | null }>(`select to_regtype($1)::text as t`, [raw]);
      const t = r.rows[0]?.t ?? undefined;
      if (t) {
        if (this.types.size > 1000) this.types.clear();
        this.types.set(raw, t);
      }
      return t;
    } catch {
      return undefined;
    }
  }
}
