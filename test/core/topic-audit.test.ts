/** Broadcast mode: telling a topic wider than its table's read policy from lost access (src/core/topic-audit.ts). */
import { expect } from '@open-wc/testing';
import { TopicAudit, type TopicAuditHost } from '../../src/core/topic-audit.js';
import type { RtError } from '../../src/core/types.js';
import type { StoreRow } from '../../src/core/row-window.js';
import { waitFor } from '../helpers/backend.js';

const TEAM = '00000000-0000-4000-a000-00000000ac01';
const OTHER = '00000000-0000-4000-a000-0000000061e0';
const row = (id: string, team: string | null = TEAM) => ({ id, team, updated_at: '2026-12-05T00:00:00Z' }) as StoreRow;

/** An audit whose host records what it was told; `may`: the answer of `rt_can_read_topic`. */
function audit(may: boolean | null, options: { behind?: boolean } = {}) {
  const told = { refused: [] as Array<[string, RtError]>, reconnects: 0, asked: [] as string[], judged: false };
  const host: TopicAuditHost = {
    topicOf: (_table, r) => (r.team ? `org:${r.team as string}` : null),
    canRead: async (topic) => {
      told.asked.push(topic);
      return may;
    },
    behind: () => !!options.behind,
    refuse: (table, error) => {
      told.refused.push([table, error]);
      told.judged = true;
    },
    reconnect: () => {
      told.reconnects++;
      told.judged = true;
    },
    graceMs: 20,
  };
  return { audit: new TopicAudit(host), told };
}

describe('TopicAudit', () => {
  it('a row gone without its DELETE, its topic still readable: the table is refused (bad-config, broadcast-topic), no rejoin', async () => {
    const { audit: a, told } = audit(true);
    a.left(new Map([['notes', [row('r1'), row('r2')]]]));
    await waitFor(() => told.judged, 2000, 'judged');
    expect(told.asked).to.deep.equal([`org:${TEAM}`]); // one question per topic
    expect(told.refused.map(([t, e]) => [t, e.code, e.detail])).to.deep.equal([['notes', 'bad-config', 'broadcast-topic']]);
    expect(told.refused[0]![1].message).to.include(`org:${TEAM}`).and.include('read policy');
    expect(told.reconnects).to.equal(0);
  });

  it('the topic no longer readable (a membership removed), or the question unanswered: every channel joins again, nothing refused', async () => {
    for (const may of [false, null]) {
      const { audit: a, told } = audit(may);
      a.left(new Map([['notes', [row('r1')]]]));
      await waitFor(() => told.judged, 2000, 'judged');
      expect(told.refused, String(may)).to.deep.equal([]);
      expect(told.reconnects, String(may)).to.equal(1);
    }
  });

  it('a row whose DELETE arrives within the grace is explained: its topic is not asked about', async () => {
    const { audit: a, told } = audit(true);
    a.left(new Map([['notes', [row('r1')]]]));
    a.delivered('notes', { type: 'UPDATE', new: row('r1'), old: null }); // not a DELETE: still owed
    a.delivered('notes', { type: 'DELETE', new: null, old: row('r1') });
    a.left(new Map([['notes', [row('r2', OTHER)]]])); // the same round, another team's topic
    await waitFor(() => told.judged, 2000, 'judged');
    expect(told.asked).to.deep.equal([`org:${OTHER}`]);
  });

  it('while Realtime runs behind (a DELETE may be late), or a row without a topic id: it only joins again', async () => {
    const behind = audit(true, { behind: true });
    behind.audit.left(new Map([['notes', [row('r1')]]]));
    await waitFor(() => behind.told.judged, 2000, 'judged');
    expect([behind.told.asked, behind.told.refused, behind.told.reconnects]).to.deep.equal([[], [], 1]);
    const noTopic = audit(true);
    noTopic.audit.left(new Map([['notes', [row('r1', null)]]]));
    await waitFor(() => noTopic.told.judged, 2000, 'judged');
    expect([noTopic.told.refused, noTopic.told.reconnects]).to.deep.equal([[], 1]);
  });

  it('disposed: what was gone before is forgotten', async () => {
    const { audit: a, told } = audit(true);
    a.left(new Map([['notes', [row('r1')]]]));
    a.dispose();
    a.left(new Map([['notes', [row('r2', OTHER)]]]));
    await waitFor(() => told.judged, 2000, 'judged');
    expect(told.asked).to.deep.equal([`org:${OTHER}`]);
  });
});
