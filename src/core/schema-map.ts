/**
 * Your schema: the names rt-monitor's feeds use (the tables and columns of
 * supabase/migrations) mapped to the names of the user's own tables and columns.
 *
 *   createRtClient({ url, anonKey, tables: { streams: 'work_items' },
 *                    columns: { notifications: { user_id: 'owner_id', read: 'is_read' } } })
 *
 * Feeds, stores and elements keep speaking the standard names; only the wire boundary (REST
 * requests, realtime subscriptions, rows coming back) translates. Unmapped tables keep today's
 * names, and their keys are UUIDs as in rt-monitor's migration (ids are checked before any
 * request); a mapped table may use `text`, `bigint` or `uuid` keys (see ./keys.ts).
 */
import type { MonitoredTable, RtError } from './types.js';
import { rtError } from './errors.js';

/** Tables a schema map may rename: the five monitored tables and the org membership table. */
export type MappableTable = MonitoredTable | 'org_members';

/**
 * The columns rt-monitor reads of each table: the keys a `columns` mapping may have. Those of the
 * row types in ./types.ts, every one (test/core/schema-map.test.ts checks that at type level);
 * `org_members`: those the org look-up reads.
 */
export const READ_COLUMNS = {
  streams: 'id org_id name goal_status current_progress created_at updated_at',
  acquisition_scans:
    'id user_id org_id name status progress_percentage current_step targets_identified targets_analyzed started_at completed_at error created_at updated_at',
  agent_executions: 'id stream_id agent_id status started_at completed_at output error created_at updated_at',
  signal_alerts: 'id user_id org_id business_name signal_type priority details read created_at updated_at',
  notifications: 'id user_id title body type link read created_at updated_at',
  org_members: 'org_id user_id created_at',
} as const;

export const MAPPABLE_TABLES = Object.keys(READ_COLUMNS) as readonly MappableTable[];

export interface SchemaOptions {
  /** Standard table name → your table's name (same schema, `public`). */
  tables?: Partial<Record<MappableTable, string>>;
  /** Per standard table: standard column name → your column's name, where they differ. */
  columns?: Partial<Record<MappableTable, Record<string, string>>>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface TableMap {
  name: string;
  out: Map<string, string>;
  back: Map<string, string>;
}

export class SchemaMap {
  readonly #maps = new Map<string, TableMap>();
  readonly #mapped = new Set<string>();
  readonly #byPhysical = new Map<string, string>();

  /** @throws Error with a message naming the bad entry (the client reports it as `bad-config`). */
  constructor(options: SchemaOptions = {}) {
    const tables = asRecord(options.tables, 'tables', '{"streams":"work_items"}');
    const columns = asRecord(options.columns, 'columns', '{"streams":{"name":"title"}}');
    for (const [what, given] of [['tables', tables], ['columns', columns]] as const) {
      for (const key of Object.keys(given)) {
        if (!Object.hasOwn(READ_COLUMNS, key)) throw new Error(`Unknown table "${key}" (${what}.${key}): rt-monitor maps ${MAPPABLE_TABLES.join(', ')}.`);
      }
    }
    for (const table of MAPPABLE_TABLES) {
      const name = tables[table] === undefined ? table : tables[table];
      if (typeof name !== 'string' || !IDENT.test(name)) throw new Error(`tables.${table}: "${String(name)}" is not a table name.`);
      if (tables[table] !== undefined) this.#mapped.add(table);
      const cols = asRecord(columns[table], `columns.${table}`, '{"name":"title"}');
      const read = READ_COLUMNS[table].split(' ');
      const out = new Map<string, string>();
      const back = new Map<string, string>();
      for (const [standard, own] of Object.entries(cols)) {
        if (!read.includes(standard)) throw new Error(`columns.${table}.${standard}: rt-monitor reads no column "${standard}" of ${table}; it reads ${read.join(', ')}.`);
        if (typeof own !== 'string' || !IDENT.test(own)) throw new Error(`columns.${table}.${standard}: "${String(own)}" is not a column name.`);
        out.set(standard, own);
        back.set(own, standard);
      }
      // One column of yours per standard one (an unmapped one keeps its name): a column read as two
      // would give a row only one of them.
      const seen = new Map<string, string>();
      for (const standard of read) {
        const own = out.get(standard) ?? standard;
        if (seen.has(own)) throw new Error(`columns.${table}: column "${own}" would be read as both ${seen.get(own)} and ${standard}.`);
        seen.set(own, standard);
      }
      this.#maps.set(table, { name, out, back });
      if (this.#byPhysical.has(name)) throw new Error(`tables: "${name}" is mapped twice.`);
      this.#byPhysical.set(name, table);
    }
  }

  /** Whether any name differs from the standard ones. */
  get identity(): boolean {
    for (const [table, m] of this.#maps) if (m.name !== table || m.out.size) return false;
    return true;
  }

  /** The standard name of a table by the user's name for it (null: not one rt-monitor maps). */
  standardOf(name: string): string | null {
    return this.#byPhysical.get(name) ?? null;
  }

  /** The user's name of a table (unknown tables, e.g. a custom feed's, pass through). */
  table(table: string): string {
    return this.#maps.get(table)?.name ?? table;
  }

  /** The user's name of a column of a table. */
  column(table: string, column: string): string {
    return this.#maps.get(table)?.out.get(column) ?? column;
  }

  /**
   * The `select=` list of a snapshot: `*`, plus every mapped column of the table by name. Naming
   * them makes the server check that they exist (PostgREST: 400, 42703 "column t.c does not
   * exist", turned into a configuration error by {@link explain}); with `*` alone a mapping to a
   * missing column would go unnoticed and the table's own column of the standard name (if any)
   * would be shown as if it were the mapped one. (The duplicate keys this gives carry equal values.)
   */
  select(table: string): string {
    const m = this.#maps.get(table);
    return m?.out.size ? ['*', ...new Set(m.out.values())].join(',') : '*';
  }

  /**
   * A failed request's error, explained when it is caused by the mapping: the server's "unknown
   * column" (PostgREST's 42703, or PGRST204 for a written column; Realtime's "invalid column for
   * filter <column>" refusing a channel) naming one of `table`'s mapped columns, or a column
   * rt-monitor reads that the mapping leaves out, becomes a `bad-config` error naming the table,
   * the mapping entry and the missing column (shown by widgets as the error's detail). Its words are
   * the same whichever server refused: one cause, one `rt-error` (QA37 t4).
   * Any other error is returned as it is.
   */
  explain(table: string, error: RtError): RtError {
    const m = this.#maps.get(table);
    if (!m || (!m.out.size && !this.#mapped.has(table)) || error.code !== 'bad-config') return error;
    const filtered = /invalid column for filter ([A-Za-z_][A-Za-z0-9_$]*)/.exec(error.message)?.[1];
    if (!filtered && error.detail !== '42703' && error.detail !== 'PGRST204') return error;
    const named = (column: string) =>
      filtered ? filtered === column : new RegExp(`(^|[^A-Za-z0-9_$])${column.replace(/\$/g, () => '\\$')}($|[^A-Za-z0-9_$])`).test(error.message);
    // Your table lacks a column rt-monitor reads, under its standard name, and the mapping names
    // none for it (QA36: `read` left unmapped read every row as unread, and Live).
    const unmapped = READ_COLUMNS[table as MappableTable].split(' ').find((c) => !m.out.has(c) && named(c));
    if (unmapped) {
      return rtError(
        'bad-config',
        `Table "${m.name}" has no column "${unmapped}", which rt-monitor reads of ${table}: name yours in columns.${table}.${unmapped}.`,
      );
    }
    for (const [standard, own] of m.out) {
      if (!named(own)) continue;
      // No `detail`: the message is the exact cause, and widgets show it (part="error-detail") only
      // for errors without a server code. Nor the server's words: they differ between PostgREST and
      // Realtime, and the same cause would read as two (two `rt-error` events per widget).
      return rtError(
        'bad-config',
        `The column mapping for ${table} names a column that does not exist: columns.${table}.${standard} is "${own}", ` +
          `but table "${m.name}" has no column "${own}".`,
      );
    }
    return error;
  }

  /** Equality filters with the user's column names. */
  eq(table: string, eq: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
    return eq.map(([c, v]) => [this.column(table, c), v]);
  }

  /**
   * A row from the user's table with the standard column names (other columns kept as they are).
   * A column of the user's table that bears a standard name mapped to another column (say `name`,
   * with `{"name":"title"}`) is left out: the standard name is the mapped column's.
   */
  row<R>(table: string, row: R): R {
    const m = this.#maps.get(table);
    if (!m || !m.back.size || !row || typeof row !== 'object') return row;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row as Record<string, unknown>)) {
      const standard = m.back.get(k);
      if (standard !== undefined) out[standard] = v;
      else if (!m.out.has(k)) out[k] = v;
    }
    return out as R;
  }

  /**
   * Ids in rt-monitor's own (unmapped) tables are UUIDs: anything else is refused before any
   * request. Mapped tables may use any key type.
   */
  checkIds(table: string, eq: ReadonlyArray<readonly [string, string]>): RtError | null {
    if (this.#mapped.has(table) || !this.#maps.has(table)) return null;
    for (const [column, value] of eq) {
      if ((column === 'id' || column.endsWith('_id')) && !UUID.test(value)) {
        return rtError(
          'bad-config',
          `"${value}" is not a valid ${column} for ${table}: its keys are UUIDs. (Your own table with text or bigint keys? Map it with the tables option.)`,
        );
      }
    }
    return null;
  }
}

function asRecord(value: unknown, what: string, example: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${what} must be an object (JSON), e.g. ${example}; got ${typeof value === 'string' ? value : JSON.stringify(value)}.`);
  }
  return value as Record<string, unknown>;
}
