/**
 * Ticking texts ("Updated 10 seconds ago", elapsed durations) stay true when the page's wall clock
 * jumps (the OS corrects it, a VM wakes up, a user sets it), when a widget out of view comes into
 * view, and when the page is printed. Before: a jump back of an hour held every ticking text for an
 * hour (the ticker's due times are wall-clock times), a jump forward showed "1 hour ago" beside
 * Live (the server-clock estimate was dropped instead of moved), a widget scrolled into view showed
 * its old text until the next whole second, and a printout showed "just now" for every widget out
 * of view. Each case waits for the real tick (no fake timers); the clock is skewed as a browser's
 * would be (test/helpers/clock.ts: Date only, timers and performance.now untouched).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-progress/rt-progress.js';
import { observeServerTime, resetServerClock } from '../../src/core/server-clock.js';
import { skewClock } from '../helpers/clock.js';
import { $, ago, frame } from './helpers.js';

const HOUR = 3_600_000;
const updated = (el: Element) => $(el, '[part="updated"]')!.textContent!.trim();

describe('ticking texts and the wall clock', () => {
  let restore: (() => void) | null = null;
  beforeEach(() => {
    resetServerClock();
    // What a page connected to a server has: an estimate of the server's clock (here: no skew).
    observeServerTime(Date.now(), Date.now());
  });
  afterEach(() => {
    restore?.();
    restore = null;
    resetServerClock();
  });

  for (const [jump, how] of [
    [-HOUR, 'back an hour'],
    [HOUR, "ahead an hour (the server's time, seen next, says the wall clock was set)"],
  ] as const) {
    it(`the wall clock is set ${how}: "Updated …" goes on counting from the server's time`, async () => {
      const el = (await fixture(html`<rt-progress label="Clock" percentage="5" last-updated=${ago(6000)}></rt-progress>`)) as HTMLElement;
      await waitUntil(() => updated(el) === 'Updated just now', 'first text', { timeout: 3500 });
      restore = skewClock(jump);
      // A jump forward is also what a sleep looks like: held until the server's time is seen (a
      // reply, a change) — here at once, on the server's unmoved clock.
      if (jump > 0) observeServerTime(Date.now() - jump, Date.now());
      const seen = new Set<string>();
      await waitUntil(
        () => (seen.add(updated(el)), updated(el) === 'Updated 10 seconds ago'),
        `stuck at "${updated(el)}"`,
        { timeout: 8000 },
      );
      expect([...seen].filter((t) => /hour/.test(t)), 'an hour off').to.deep.equal([]);
    });
  }

  it("a sleep of an hour (the monotonic clock stood still, the server's ran on): \"Updated 1 hour ago\", true, at its next tick (QA54)", async () => {
    const el = (await fixture(html`<rt-progress label="Clock" percentage="5" last-updated=${ago(6000)}></rt-progress>`)) as HTMLElement;
    await waitUntil(() => updated(el) === 'Updated just now', 'first text', { timeout: 3500 });
    restore = skewClock(HOUR); // what the page sees after waking: Date.now() an hour on, performance.now() not
    observeServerTime(Date.now() - 30, Date.now()); // the server's time, seen next: an hour on too
    await waitUntil(() => /hour/.test(updated(el)), `stuck at "${updated(el)}"`, { timeout: 8000 });
    expect(updated(el)).to.equal('Updated 1 hour ago');
  });

  /** A widget below the fold that has been seen once (it rendered) and is out of view again. */
  async function seenThenOutOfView(label: string) {
    const written = Date.now();
    const wrap = await fixture<HTMLElement>(html`<div>
      <div style="height: 4000px"></div>
      <rt-progress label=${label} percentage="5" last-updated=${new Date(written - 6000).toISOString()}></rt-progress>
      <div style="height: 4000px"></div>
    </div>`);
    const el = wrap.querySelector('rt-progress')!;
    el.scrollIntoView();
    await waitUntil(() => $(el, '[part="updated"]')?.textContent?.trim() === 'Updated just now', 'rendered in view', { timeout: 3500 });
    window.scrollTo(0, 0);
    for (let i = 0; i < 3; i++) await frame();
    // Let its text become due while out of view (it is parked, not recomputed).
    const dueAt = written + 6000; // 12 s old: past the 10 s step by more than a tick (1 s)
    await waitUntil(() => Date.now() >= dueAt, 'the text is due', { timeout: 10_000, interval: 100 });
    expect(updated(el), 'parked while out of view').to.equal('Updated just now');
    return el;
  }

  it('a widget out of view shows its true text in the frames right after it comes into view', async () => {
    const el = await seenThenOutOfView('Below');
    el.scrollIntoView();
    for (let i = 0; i < 3; i++) await frame();
    expect(updated(el), 'a few frames after, not the next whole second').to.equal('Updated 10 seconds ago');
    window.scrollTo(0, 0);
  });

  it('printing: every ticking text out of view is made true before the page is laid out for print', async () => {
    const el = await seenThenOutOfView('Printed');
    window.dispatchEvent(new Event('beforeprint'));
    try {
      expect(updated(el), 'in the same task as beforeprint').to.equal('Updated 10 seconds ago');
    } finally {
      window.dispatchEvent(new Event('afterprint'));
    }
  });
});
