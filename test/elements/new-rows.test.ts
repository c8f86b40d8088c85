/**
 * NewRows (src/internal/feed.ts): which rows of a live feed fire `rt-alert` / `rt-notification`,
 * and in which order (QA round 42, F2: a burst fired out of order on fresh loads). Rows a read
 * brought (no INSERT delivered for them: a re-read after a resync, a refill) came after the
 * delivered ones and newest first, as the list shows them.
 */
import { expect } from '@open-wc/testing';
import { NewRows } from '../../src/internal/feed.js';

type Row = { id: string; created_at: string };
const at = (n: number) => `2026-12-04T04:00:${String(n).padStart(2, '0')}.000000+00:00`;
const row = (n: number): Row => ({ id: `a${n}`, created_at: at(n) });
import { toTime } from '../../src/internal/format.js';
/** The list as a feed shows it: newest first. */
const shown = (...ns: number[]) => ns.sort((a, b) => b - a).map(row);
const ids = (rows: Row[]) => rows.map((r) => r.id);

describe('NewRows: the rows that fire, and their order', () => {
  it('tells nothing on the first look, then each new row once', () => {
    const told = new NewRows();
    expect(told.take(1, shown(1, 2), true, toTime)).to.deep.equal([]);
    expect(ids(told.take(1, shown(1, 2, 3), true, toTime, [row(3)]))).to.deep.equal(['a3']);
    expect(ids(told.take(1, shown(1, 2, 3), true, toTime, [row(3)])), 'told already').to.deep.equal([]);
  });

  it('a generation shown again compares with what it had seen: its rows written meanwhile fire, once; a new one starts over (QA68 F2)', () => {
    const told = new NewRows();
    told.take('u1', shown(1, 2), true, toTime);
    expect(told.take('u2', shown(10), true, toTime), "another user's first look").to.deep.equal([]);
    expect(ids(told.take('u1', shown(1, 2, 3), true, toTime)), 'back: written meanwhile').to.deep.equal(['a3']);
    expect(told.take('u1', shown(1, 2, 3), true, toTime), 'told already').to.deep.equal([]);
    expect(ids(told.take('u2', shown(10, 11), true, toTime, [row(11)]))).to.deep.equal(['a11']);
    expect(told.take('u3', shown(1, 2, 3, 4), true, toTime), 'a new one: its first look').to.deep.equal([]);
  });

  it('rows a read brought fire oldest first, as they were written', () => {
    const told = new NewRows();
    told.take(1, shown(1, 2), true, toTime);
    expect(ids(told.take(1, shown(1, 2, 3, 4, 5), true, toTime))).to.deep.equal(['a3', 'a4', 'a5']);
  });

  it('rows a read brought and rows Realtime delivered in one frame fire oldest first together', () => {
    const told = new NewRows();
    told.take(1, shown(1, 2), true, toTime);
    // a3 and a4 came with a re-read; a5 and a6 were delivered by Realtime in that frame.
    expect(ids(told.take(1, shown(1, 2, 3, 4, 5, 6), true, toTime, [row(5), row(6)]))).to.deep.equal(['a3', 'a4', 'a5', 'a6']);
  });

  it('rows delivered with equal created_at (one statement) keep the order Realtime delivered them in', () => {
    const told = new NewRows();
    told.take(1, shown(1), true, toTime);
    const same = ['x', 'b', 'm'].map((id) => ({ id, created_at: at(7) }));
    expect(ids(told.take(1, [...same].reverse().concat(shown(1)), true, toTime, same))).to.deep.equal(['x', 'b', 'm']);
  });

  it('a row without a readable created_at fires after the dated ones, not lost', () => {
    const told = new NewRows();
    told.take(1, shown(1), true, toTime);
    const odd = { id: 'odd', created_at: 'not a date' };
    expect(ids(told.take(1, shown(1, 3), true, toTime, [odd, row(2)]))).to.deep.equal(['a2', 'a3', 'odd']);
  });
});
