/**
 * Packing as pure decisions (src/core/channel-packing.ts): which subscriptions share a channel,
 * the filter each channel gets, which channel carries a value, and what a re-pack opens and
 * closes; plus the routing of a change to the subscriptions of a packed channel
 * (src/core/channel-binding.ts).
 */
import { expect } from '@open-wc/testing';
import { CROWDED_GROUP, IN_LIMIT, MOVE_LIMIT, carrierOf, groupingOf, isPackable, packedFilter, parseEqFilter, planPacking } from '../../src/core/channel-packing.js';
import { changeOfPayload, deliverChange, packedValuesOf } from '../../src/core/channel-binding.js';
import type { CarrierMember } from '../../src/core/channel-types.js';
import type { RowChange } from '../../src/core/client-types.js';

/** A channel as the planner sees it. */
interface View {
  name: string;
  closed: boolean;
  retiring: object | null;
  values: Set<string> | null;
  replaces: Set<unknown>;
}
const chan = (name: string, values: string[] | null, extra: Partial<View> = {}): View => ({
  name, closed: false, retiring: null, values: values && new Set(values), replaces: new Set(), ...extra,
});
const range = (n: number, prefix = 'v') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const names = (cs: View[]) => cs.map((c) => c.name);

describe('channel packing: filters', () => {
  it('reads col=eq.value filters, and nothing else', () => {
    expect(parseEqFilter('id=eq.5a00')).to.deep.equal({ column: 'id', value: '5a00' });
    expect(parseEqFilter('stream_id=eq.a.b')).to.deep.equal({ column: 'stream_id', value: 'a.b' });
    expect(parseEqFilter('id=in.(a,b)')).to.equal(null);
    expect(parseEqFilter('id=neq.5')).to.equal(null);
    expect(parseEqFilter('1id=eq.5')).to.equal(null);
    expect(parseEqFilter('id=eq.')).to.equal(null);
    expect(parseEqFilter('')).to.equal(null);
    expect(parseEqFilter(null)).to.equal(null);
  });

  it('packs only values that can stand unquoted in an in (…) list', () => {
    for (const v of ['5a00c0de-0000-4000-8000-000000000001', '42', 'running', 'a.b_c-d']) expect(isPackable(v), v).to.equal(true);
    for (const v of ['a,b', 'f(x)', 'x)', 'say "hi"', 'back\\slash', 'two words', 'tab\there']) expect(isPackable(v), v).to.equal(false);
  });

  it('groups equality subscriptions by (table, column), the rest by their exact filter', () => {
    const a = groupingOf({ table: 'streams', filter: 'id=eq.a', name: 'x' }, null);
    const b = groupingOf({ table: 'streams', filter: 'id=eq.b', name: 'y' }, null);
    expect(a).to.deep.equal({ key: 'streams|id|in', column: 'id', filter: null, value: 'a' });
    expect(b.key).to.equal(a.key);
    expect(groupingOf({ table: 'acquisition_scans', filter: 'id=eq.a', name: 'x' }, null).key).not.to.equal(a.key);
    expect(groupingOf({ table: 'streams', filter: 'org_id=eq.a', name: 'x' }, null).key).not.to.equal(a.key);
    // A value that cannot be packed keeps a channel of its own, with its filter as given.
    expect(groupingOf({ table: 'streams', filter: 'name=eq.two words', name: 'x' }, null)).to.deep.equal({
      key: 'streams|name=eq.two words', column: null, filter: 'name=eq.two words', value: null,
    });
    expect(groupingOf({ table: 'streams', filter: 'status=in.(a,b)', name: 'x' }, null)).to.deep.equal({
      key: 'streams|status=in.(a,b)', column: null, filter: 'status=in.(a,b)', value: null,
    });
    expect(groupingOf({ table: 'streams', filter: null, name: 'x' }, null)).to.deep.equal({ key: 'streams|', column: null, filter: null, value: null });
  });

  it('groups broadcast-mode subscriptions by topic alone, unpacked', () => {
    const g = groupingOf({ table: 'streams', filter: 'id=eq.a', name: 'x' }, 'org:o1');
    expect(g).to.deep.equal({ key: 'topic|org:o1', column: null, filter: null, value: null });
    expect(groupingOf({ table: 'agent_executions', filter: null, name: 'y' }, 'org:o1').key).to.equal(g.key);
  });

  it('gives a packed channel eq for one value, in.(…) for several', () => {
    expect(packedFilter('id', ['a'])).to.equal('id=eq.a');
    expect(packedFilter('id', new Set(['a', 'b', 'c']))).to.equal('id=in.(a,b,c)');
  });
});

describe('channel packing: which channel carries a value', () => {
  it('finds the live channel carrying the value, never a closed or retiring one', () => {
    const closed = chan('closed', ['a'], { closed: true });
    const retiring = chan('retiring', ['a'], { retiring: {} });
    const live = chan('live', ['a', 'b']);
    expect(carrierOf([closed, retiring, live], 'a')).to.equal(live);
    expect(carrierOf([closed, retiring], 'a')).to.equal(null);
    expect(carrierOf([live], 'c')).to.equal(null);
  });

  it('prefers the newest packing (a channel replacing others)', () => {
    const plain = chan('plain', ['a']);
    const replacing = chan('replacing', ['a', 'b'], { replaces: new Set([{}]) });
    expect(carrierOf([replacing, plain], 'a')).to.equal(replacing);
    expect(carrierOf([plain, replacing], 'a')).to.equal(replacing);
  });

  it('gives an unpacked subscription (null value) the channel without values', () => {
    const own = chan('own', null);
    expect(carrierOf([chan('packed', ['a']), own], null)).to.equal(own);
    expect(carrierOf([chan('packed', ['a'])], null)).to.equal(null);
  });
});

describe('channel packing: re-pack plans', () => {
  it('opens one channel for the first values, and nothing once they are covered', () => {
    expect(planPacking(['a', 'b', 'a'], [])).to.deep.equal({ close: [], open: [{ values: ['a', 'b'], replaces: null }] });
    const c = chan('c', ['a', 'b']);
    expect(planPacking(['b', 'a'], [c])).to.deep.equal({ close: [], open: [] });
  });

  it('when one subscription leaves: closes a channel nobody wants, keeps one still wanted', () => {
    const onlyA = chan('onlyA', ['a']);
    const bc = chan('bc', ['b', 'c']);
    const plan = planPacking(['c'], [onlyA, bc]);
    expect(names(plan.close)).to.deep.equal(['onlyA']);
    // `b` stays in bc's filter: nothing is re-joined for a value leaving.
    expect(plan.open).to.deep.equal([]);
    expect(names(planPacking([], [onlyA, bc]).close)).to.deep.equal(['onlyA', 'bc']);
  });

  it('folds a new value into the emptiest live channel, as its replacement (make-before-break)', () => {
    const big = chan('big', ['a', 'b', 'c']);
    const small = chan('small', ['d', 'gone']);
    const plan = planPacking(['a', 'b', 'c', 'd', 'e'], [big, small]);
    expect(plan.close).to.deep.equal([]);
    // The replacement carries what is still wanted of the channel it replaces, plus the new value.
    expect(plan.open).to.deep.equal([{ values: ['d', 'e'], replaces: small }]);
  });

  it('ignores closed and retiring channels, and never folds into one it closes', () => {
    const closed = chan('closed', ['a'], { closed: true });
    const retiring = chan('retiring', ['b'], { retiring: {} });
    const unwanted = chan('unwanted', ['x']);
    const plan = planPacking(['a', 'b', 'c'], [closed, retiring, unwanted]);
    expect(names(plan.close)).to.deep.equal(['unwanted']);
    expect(plan.open).to.deep.equal([{ values: ['a', 'b', 'c'], replaces: null }]);
  });

  it(`folds into a channel carrying at most MOVE_LIMIT (${MOVE_LIMIT}) wanted values, up to IN_LIMIT (${IN_LIMIT}) values and not one more`, () => {
    const small = chan('small', range(MOVE_LIMIT));
    const news = (n: number) => Array.from({ length: n }, (_, i) => `new${i}`);
    const fits = planPacking([...range(MOVE_LIMIT), ...news(IN_LIMIT - MOVE_LIMIT)], [small]);
    expect(fits.open).to.have.length(1);
    expect(fits.open[0].replaces).to.equal(small);
    expect(fits.open[0].values).to.have.length(IN_LIMIT);

    // One more new value than fits: none is folded in, all go to a new channel (nothing moves).
    const overflows = planPacking([...range(MOVE_LIMIT), ...news(IN_LIMIT - MOVE_LIMIT + 1)], [small]);
    expect(overflows).to.deep.equal({ close: [], open: [{ values: news(IN_LIMIT - MOVE_LIMIT + 1), replaces: null }] });

    const full = chan('full', range(IN_LIMIT));
    expect(planPacking([...range(IN_LIMIT), 'new'], [full])).to.deep.equal({ close: [], open: [{ values: ['new'], replaces: null }] });
  });

  it('one value added beside many: a channel of its own, the many are not moved (each would re-read; QA13 F2)', () => {
    const fifty = chan('fifty', range(50));
    expect(planPacking([...range(50), 'new'], [fifty])).to.deep.equal({ close: [], open: [{ values: ['new'], replaces: null }] });
    // The next one joins that small channel (one value moves), and so on up to MOVE_LIMIT.
    const one = chan('one', ['new']);
    expect(planPacking([...range(50), 'new', 'next'], [fifty, one]).open).to.deep.equal([{ values: ['new', 'next'], replaces: one }]);
    const atLimit = chan('atLimit', range(MOVE_LIMIT).map((v) => `n${v}`));
    const plan = planPacking([...range(50), ...range(MOVE_LIMIT).map((v) => `n${v}`), 'more'], [fifty, atLimit]);
    expect(plan.open).to.deep.equal([{ values: [...range(MOVE_LIMIT).map((v) => `n${v}`), 'more'], replaces: atLimit }]);
    const beyond = chan('beyond', range(MOVE_LIMIT + 1).map((v) => `n${v}`));
    expect(planPacking([...range(50), ...range(MOVE_LIMIT + 1).map((v) => `n${v}`), 'more'], [fifty, beyond]).open).to.deep.equal([{ values: ['more'], replaces: null }]);
  });

  it(`values added one at a time never open more than about CROWDED_GROUP (${CROWDED_GROUP}) channels in a group`, () => {
    type C = ReturnType<typeof chan>;
    let chans: C[] = [];
    const wanted: string[] = [];
    let moved = 0;
    for (let i = 0; i < 400; i++) {
      wanted.push(`v${i}`);
      const plan = planPacking(wanted, chans);
      for (const o of plan.open) {
        if (o.replaces) {
          moved += o.values.length - 1;
          chans = chans.filter((c) => c !== o.replaces);
        }
        chans.push(chan(`c${i}`, o.values));
      }
    }
    expect(chans.length, 'channels').to.be.at.most(CROWDED_GROUP);
    expect(chans.flatMap((c) => [...c.values!]).sort()).to.deep.equal([...wanted].sort());
    expect(moved / 400, "values moved per value added (before MOVE_LIMIT: 49.5)").to.be.below(20);
  });

  it('splits values that no channel carries into channels of at most IN_LIMIT values', () => {
    expect(planPacking(range(IN_LIMIT), []).open.map((p) => p.values.length)).to.deep.equal([IN_LIMIT]);
    const split = planPacking(range(2 * IN_LIMIT + 1), []);
    expect(split.open.map((p) => p.values.length)).to.deep.equal([IN_LIMIT, IN_LIMIT, 1]);
    expect(split.open.flatMap((p) => p.values)).to.deep.equal(range(2 * IN_LIMIT + 1));
    expect(split.open.every((p) => p.replaces === null)).to.equal(true);
  });
});

describe('channel packing: routing a change to the subscriptions of a packed channel', () => {
  const member = (value: string | null) => {
    const got: RowChange<any>[] = [];
    const m: CarrierMember = { spec: { table: 'streams', filter: value && `id=eq.${value}`, name: String(value) }, value, listener: { onChange: (c) => got.push(c), onState: () => {} } };
    return { m, got };
  };

  it('maps payloads to changes, and flags rows the server could not send', () => {
    expect(changeOfPayload({ eventType: 'UPDATE', new: { id: 'a' }, old: { id: 'a' } })).to.deep.equal({ type: 'UPDATE', new: { id: 'a' }, old: { id: 'a' } });
    expect(changeOfPayload({ type: 'insert', record: { id: 'a' } })).to.deep.equal({ type: 'INSERT', new: { id: 'a' }, old: null });
    expect(changeOfPayload({ eventType: 'DELETE', new: {}, old_record: { id: 'a' } })).to.deep.equal({ type: 'DELETE', new: null, old: { id: 'a' } });
    expect(changeOfPayload({ eventType: 'UPDATE', errors: ['Error 413: Payload Too Large'] })).to.equal('unusable');
    // The commit time, on the server's clock (epoch ms), when the payload has one.
    expect(changeOfPayload({ eventType: 'INSERT', new: { id: 'a' }, commit_timestamp: '2026-12-01T06:00:00.123Z' })).to.deep.equal({
      type: 'INSERT',
      new: { id: 'a' },
      old: null,
      committedAt: Date.parse('2026-12-01T06:00:00.123Z'),
    });
    expect(changeOfPayload({ eventType: 'TRUNCATE' })).to.equal(null);
  });

  it('goes to the subscriptions whose value the row carries before or after the change', () => {
    const moved: RowChange<any> = { type: 'UPDATE', new: { id: 'r', org: 'b' }, old: { id: 'r', org: 'a' } };
    expect([...packedValuesOf(moved, 'org')]).to.deep.equal(['b', 'a']);
    const [a, b, c] = [member('a'), member('b'), member('c')];
    deliverChange([a.m, b.m, c.m], 'org', moved);
    expect([a.got.length, b.got.length, c.got.length]).to.deep.equal([1, 1, 0]);
  });

  it('goes to every subscription when the row carries no value (a DELETE with only the key)', () => {
    const del: RowChange<any> = { type: 'DELETE', new: null, old: { id: 'r' } };
    expect(packedValuesOf(del, 'org').size).to.equal(0);
    const [a, b] = [member('a'), member('b')];
    deliverChange([a.m, b.m], 'org', del);
    expect([a.got.length, b.got.length]).to.deep.equal([1, 1]);
  });
});
