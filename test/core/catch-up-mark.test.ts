/**
 * CatchUpMark (src/core/catch-up-mark.ts): which rows a catch-up read finds are new. The kinds:
 * rows inserted after the newest shown (new), rows tied with it and not seen (new, QA44 F3), rows a
 * fast writer dated ahead of the server (the read still starts at the true time, QA44 F2), and rows
 * dated ahead that only sat below a bounded list (not new: they slide in after a DELETE).
 */
import { expect } from '@open-wc/testing';
import { CatchUpMark } from '../../src/core/catch-up-mark.js';
import { observeServerTime, resetServerClock, serverNow } from '../../src/core/server-clock.js';

type Row = { id: string; created_at: string };
const MIN = 60_000;

describe('CatchUpMark', () => {
  const now = Date.now();
  const at = (ms: number) => new Date(now + ms).toISOString();
  const row = (id: string, ms: number): Row => ({ id, created_at: at(ms) });
  beforeEach(() => {
    resetServerClock();
    observeServerTime(now);
  });
  afterEach(() => resetServerClock());
  /**
   * Runs `see` and returns the server's time before and after it (ms): a start taken from the
   * server's clock lies between them (the clock runs on while the test does; a 1 ms tick between
   * two readings made an exact comparison flaky).
   */
  const during = (see: () => void) => {
    const lo = serverNow();
    see();
    return { lo, hi: serverNow() };
  };
  const within = (t: string | undefined, { lo, hi }: { lo: number; hi: number }) => {
    const ms = Date.parse(t ?? '');
    expect(ms, `${t} within [${new Date(lo).toISOString()}, ${new Date(hi).toISOString()}]`).to.be.within(lo, hi);
  };

  it('starts at the newest shown; newer rows and unseen ties are new, the shown ones are not', () => {
    const mark = new CatchUpMark<Row>('created_at');
    mark.see([row('b', -1 * MIN), row('c', -1 * MIN), row('a', -2 * MIN)]);
    expect(mark.ask()).to.equal(at(-MIN));
    expect(mark.isNew(row('b', -MIN))).to.be.false;
    expect(mark.isNew(row('c', -MIN))).to.be.false;
    expect(mark.isNew(row('d', -MIN))).to.be.true;
    expect(mark.isNew(row('e', 0))).to.be.true;
  });

  it('a row from a fast clock does not move the start past rows written with the true time', () => {
    const mark = new CatchUpMark<Row>('created_at');
    mark.see([row('fast', 60 * MIN), row('a', -2 * MIN)]);
    expect(mark.ask()).to.equal(at(-2 * MIN));
    expect(mark.isNew(row('true-time', -MIN))).to.be.true;
    expect(mark.isNew(row('fast', 60 * MIN))).to.be.false;
    expect(mark.isNew(row('faster', 61 * MIN))).to.be.true;
  });

  it('rows dated ahead that sat below a bounded list are not new (they slide in after a DELETE)', () => {
    const mark = new CatchUpMark<Row>('created_at');
    // Shown: the three newest of four, all dated tomorrow; none credible, so the start is the server's time.
    const seen = during(() => mark.see([row('4', 1440 * MIN + 4), row('3', 1440 * MIN + 3), row('2', 1440 * MIN + 2)]));
    within(mark.ask(), seen);
    expect(mark.isNew(row('1', 1440 * MIN + 1))).to.be.false;
    expect(mark.isNew(row('5', 1440 * MIN + 5))).to.be.true;
    expect(mark.isNew({ id: 'now', created_at: new Date(seen.hi + 1).toISOString() })).to.be.true;
  });

  it('before any row: created_at starts at the server\'s time; another column has no catch-up', () => {
    const mark = new CatchUpMark<Row>('created_at');
    const seen = during(() => mark.see([]));
    within(mark.ask(), seen);
    expect(mark.isNew(row('x', -MIN))).to.be.false;
    // The first row seen wins, also one written just before the list went live.
    mark.caughtUp([row('y', -MIN)]);
    expect(mark.since).to.equal(at(-MIN));
    const other = new CatchUpMark<Row & { seq: string }>('seq');
    other.see([]);
    expect(other.since).to.be.undefined;
  });

  it('while a catch-up read is owed (in flight, or failed and retried) rows shown do not move the mark (QA45 F1)', () => {
    const mark = new CatchUpMark<Row>('created_at');
    mark.see([row('a', -5 * MIN)]);
    expect(mark.owed).to.be.false;
    expect(mark.ask()).to.equal(at(-5 * MIN));
    expect(mark.owed).to.be.true;
    mark.see([row('live', -MIN), row('a', -5 * MIN)]); // delivered while the read runs
    expect(mark.isNew(row('outage', -3 * MIN))).to.be.true;
    expect(mark.isNew(row('a', -5 * MIN))).to.be.false;
    // The read failed; its retry starts where the first did, judged the same way.
    expect(mark.ask()).to.equal(at(-5 * MIN));
    expect(mark.isNew(row('outage', -3 * MIN))).to.be.true;
    // It landed: the next read starts from the newest it found.
    mark.caughtUp([row('live', -MIN), row('outage', -3 * MIN)]);
    expect(mark.owed).to.be.false;
    expect(mark.ask()).to.equal(at(-MIN));
    expect(mark.isNew(row('outage', -3 * MIN))).to.be.false;
    expect(mark.isNew(row('live', -MIN))).to.be.false;
  });

  it('before the list was live nothing is owed (the first read has no catch-up read)', () => {
    const mark = new CatchUpMark<Row & { seq: string }>('seq');
    expect(mark.ask()).to.be.undefined;
    expect(mark.owed).to.be.false;
  });
});
