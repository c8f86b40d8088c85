/** The schema map's select list, its "unknown column" explanation and its row translation (units). */
import { expect } from '@open-wc/testing';
import { SchemaMap } from '../../src/core/schema-map.js';
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
    expect(e.message).to.include('42703');
    const written = map.explain('notifications', rtError('bad-config', "Unknown table or column: Could not find the 'is_read' column of 'notifications' in the schema cache", 'PGRST204'));
    expect(written.message).to.include('columns.notifications.read is "is_read"');
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
