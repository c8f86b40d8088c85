/** The schema map's select list, its "unknown column" explanation and its row translation (units). */
import { expect } from '@open-wc/testing';
import { READ_COLUMNS, SchemaMap } from '../../src/core/schema-map.js';
import type { MonitoredTable, TableRows } from '../../src/core/types.js';

// At type level (npm run typecheck): the columns a `columns` mapping may name are exactly those of
// each row type, none missing, none extra.
type Words<S extends string> = S extends `${infer A} ${infer B}` ? A | Words<B> : S;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const exact: { [T in MonitoredTable]: Same<Words<(typeof READ_COLUMNS)[T]>, keyof TableRows[T]> } = {
  streams: true, acquisition_scans: true, agent_executions: true, signal_alerts: true, notifications: true,
};
import { rtError } from '../../src/core/errors.js';

describe('SchemaMap: mapped columns are requested by name and checked by the server', () => {
  const map = new SchemaMap({ tables: { streams: 'work_items' }, columns: { streams: { name: 'title', org_id: 'team_id' }, notifications: { read: 'is_read' } } });

  it('selects * plus every mapped column (unmapped tables: *)', () => {
    expect(map.select('streams')).to.equal('*,title,team_id');
    expect(map.select('notifications')).to.equal('*,is_read');
    expect(map.select('signal_alerts')).to.equal('*');
    expect(new SchemaMap().select('streams')).to.equal('*');
  });

  it("explains the server's unknown column as the mapping's mistake, naming table, entry and column", () => {
    const e = map.explain('streams', rtError('bad-config', 'Unknown table or column: column work_items.title does not exist', '42703'));
    expect(e.code).to.equal('bad-config');
    expect(e.detail).to.equal(undefined); // shown by widgets as the error's detail
    expect(e.message).to.include('columns.streams.name is "title"');
    expect(e.message).to.include('table "work_items" has no column "title"');
    // In rt-monitor's words only: PostgREST's and Realtime's differ for the one cause (QA37 t4).
    expect(e.message).to.not.include('42703');
    const written = map.explain('notifications', rtError('bad-config', "Unknown table or column: Could not find the 'is_read' column of 'notifications' in the schema cache", 'PGRST204'));
    expect(written.message).to.include('columns.notifications.read is "is_read"');
  });

  it('explains a column rt-monitor reads that your table lacks and the mapping leaves out, naming the entry to add (QA36)', () => {
    const own = new SchemaMap({ tables: { notifications: 'inbox' }, columns: { notifications: { user_id: 'owner_id' } } });
    const e = own.explain('notifications', rtError('bad-config', 'Unknown table or column: column inbox.read does not exist', '42703'));
    expect(e.code).to.equal('bad-config');
    expect(e.detail).to.equal(undefined);
    expect(e.message).to.include('Table "inbox" has no column "read"');
    expect(e.message).to.include('columns.notifications.read');
    // A renamed table alone (no columns mapped) is yours too.
    const renamed = new SchemaMap({ tables: { streams: 'work_items' } }).explain('streams', rtError('bad-config', 'Unknown table or column: column work_items.org_id does not exist', '42703'));
    expect(renamed.message).to.include('columns.streams.org_id');
    // rt-monitor's own table (not mapped): the server's words as they are.
    const standard = rtError('bad-config', 'Unknown table or column: column notifications.read does not exist', '42703');
    expect(new SchemaMap().explain('notifications', standard)).to.equal(standard);
  });

  it("explains Realtime's refusal of a filter column in the same words as PostgREST's (QA37 t4)", () => {
    const own = new SchemaMap({ tables: { notifications: 'inbox' }, columns: { notifications: { read: 'is_read' } } });
    const rest = own.explain('notifications', rtError('bad-config', 'Unknown table or column: column inbox.user_id does not exist', '42703'));
    const realtime = own.explain(
      'notifications',
      rtError(
        'bad-config',
        'Realtime could not subscribe: Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: [event: *, schema: public, table: inbox, filters: [{"user_id", "eq", "x", false}], select: nil]. Exception: ERROR P0001 (raise_exception) invalid column for filter user_id',
        'Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters',
      ),
    );
    expect(realtime.message).to.include('columns.notifications.user_id');
    expect(realtime).to.deep.equal(rest);
    const mapped = new SchemaMap({ tables: { notifications: 'inbox' }, columns: { notifications: { user_id: 'owner' } } });
    const wrong = mapped.explain('notifications', rtError('bad-config', 'Realtime could not subscribe: … invalid column for filter owner', 'Unable'));
    expect(wrong.message).to.include('columns.notifications.user_id is "owner"');
    expect(mapped.standardOf('inbox')).to.equal('notifications');
    expect(mapped.standardOf('nothing')).to.equal(null);
  });

  it('leaves other errors as they are', () => {
    const other = rtError('bad-config', 'Unknown table or column: column work_items.subtitle does not exist', '42703');
    expect(map.explain('streams', other)).to.equal(other); // "title" only as part of another name
    const net = rtError('network', 'title');
    expect(map.explain('streams', net)).to.equal(net);
    const unmapped = rtError('bad-config', 'Unknown table or column: column signal_alerts.title does not exist', '42703');
    expect(map.explain('signal_alerts', unmapped)).to.equal(unmapped);
  });

  it("rows: the mapped column takes the standard name, whatever the order; the table's own column of that name is left out", () => {
    expect(map.row('streams', { title: 'Mapped', name: 'Own name', team_id: 't1', id: 'x' })).to.deep.equal({ name: 'Mapped', org_id: 't1', id: 'x' });
    expect(map.row('streams', { name: 'Own name', id: 'x', title: 'Mapped' })).to.deep.equal({ name: 'Mapped', id: 'x' });
    const swap = new SchemaMap({ columns: { streams: { name: 'goal_status', goal_status: 'name' } } });
    expect(swap.row('streams', { name: 'n', goal_status: 'g' })).to.deep.equal({ goal_status: 'n', name: 'g' });
  });
});

describe('SchemaMap: every entry of `tables` and `columns` is checked, and a bad one named (QA28 M1)', () => {
  const refused = (options: ConstructorParameters<typeof SchemaMap>[0]): string => {
    try {
      new SchemaMap(options);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error(`accepted: ${JSON.stringify(options)}`);
  };

  it('a standard column name rt-monitor does not read (a typo) names the entry and lists the columns it reads', () => {
    const message = refused({ tables: { streams: 'qa_streams' }, columns: { streams: { org_id: 'team', nmae: 'title' } } });
    expect(message).to.include('columns.streams.nmae');
    expect(message).to.include('it reads id, org_id, name, goal_status, current_progress, created_at, updated_at.');
    expect(refused({ columns: { org_members: { member_id: 'user_id' } } })).to.include('columns.org_members.member_id');
    // Prototype names are not columns either.
    expect(refused({ columns: JSON.parse('{"notifications":{"__proto__":"x"}}') })).to.include('columns.notifications.__proto__');
    expect(refused({ columns: { notifications: { constructor: 'x' } } })).to.include('columns.notifications.constructor');
  });

  it('every column of the row types may be mapped', () => {
    const all = { id: 'a', org_id: 'b', name: 'c', goal_status: 'd', current_progress: 'e', created_at: 'f', updated_at: 'g' };
    expect(new SchemaMap({ columns: { streams: all } }).column('streams', 'current_progress')).to.equal('e');
    expect(new SchemaMap({ columns: { acquisition_scans: { targets_analyzed: 'done' }, org_members: { org_id: 'team_id', user_id: 'member_id', created_at: 'since' } } }).identity).to.equal(false);
  });

  it('an unknown table, in `tables` or in `columns`, names the entry', () => {
    expect(refused({ tables: { stream: 'x' } as never })).to.include('Unknown table "stream" (tables.stream)');
    expect(refused({ columns: { orgs: { name: 'title' } } as never })).to.include('Unknown table "orgs" (columns.orgs)');
  });

  it('values that are not names, and objects that are not objects, name the entry', () => {
    expect(refused({ tables: { streams: 5 } as never })).to.include('tables.streams: "5" is not a table name');
    expect(refused({ tables: { streams: null } as never }), 'null is not "unmapped"').to.include('tables.streams: "null" is not a table name');
    expect(refused({ tables: { streams: ' work_items' } })).to.include('tables.streams');
    expect(refused({ columns: { streams: { name: 7 } } as never })).to.include('columns.streams.name: "7" is not a column name');
    expect(refused({ columns: { streams: { name: ['title'] } } as never })).to.include('columns.streams.name');
    expect(refused({ columns: { streams: 'title' } as never })).to.include('columns.streams must be an object (JSON), e.g. {"name":"title"}; got title');
    expect(refused({ columns: [] as never })).to.include('columns must be an object (JSON), e.g. {"streams":{"name":"title"}}');
    expect(refused({ tables: 'work_items' as never })).to.include('tables must be an object (JSON), e.g. {"streams":"work_items"}');
  });

  it('one column of yours read as two standard ones is refused; swapping two is not', () => {
    expect(refused({ columns: { streams: { name: 'title', goal_status: 'title' } } })).to.include('columns.streams: column "title" would be read as both name and goal_status');
    // An unmapped standard column keeps its name: mapping another one to it reads it twice.
    expect(refused({ columns: { acquisition_scans: { started_at: 'created_at' } } })).to.include('"created_at" would be read as both started_at and created_at');
    expect(refused({ tables: { streams: 'work_items', notifications: 'work_items' } })).to.include('"work_items" is mapped twice');
    expect(new SchemaMap({ columns: { streams: { name: 'goal_status', goal_status: 'name' } } }).column('streams', 'name')).to.equal('goal_status');
  });
});
