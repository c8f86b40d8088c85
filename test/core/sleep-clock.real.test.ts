/**
 * A laptop sleep as the page sees it (QA54): the monotonic clock (`performance.now()`, which Chrome
 * does not advance while macOS or Linux sleeps) stands still while the wall clock and the server's
 * run on. Here it is held still for {@link SLEEP_MS} while the page idles, then runs on from where it
 * stood (never back). Before, rt-monitor took that for the wall clock set ahead and moved its
 * estimate of the server's clock by the sleep: a change delivered late read on time (Live), and a
 * stream updated before the sleep read "Updated just now". A host supabase-js client (README step
 * 5): only commit timestamps and the token's `iat` tell the server's time. Real backend.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { createClient } from '@supabase/supabase-js';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import { clockSkew, resetServerClock } from '../../src/core/server-clock.js';
import { DEMO_PASSWORD, USERS, backendInfo, lagRealtime, newStream, updateRows, waitFor } from '../helpers/backend.js';
import { everyFrame } from '../helpers/hosts.js';
import { badgeText, text } from '../elements/helpers.js';

/** Longer than twice the lag below: a sample late by less than half the jump is read as a sleep. */
const SLEEP_MS = 15_000;
const LAG_MS = 6_000;
const realNow = performance.now.bind(performance);

/** The monotonic clock stands still for `ms` (the page idles meanwhile), then runs on from there. */
async function laptopSleep(ms: number): Promise<void> {
  const stood = realNow();
  performance.now = () => stood;
  const woke = stood + ms;
  await waitFor(() => realNow() >= woke, ms + 5000, 'the sleep');
  performance.now = () => realNow() - ms;
}

const updated = (el: Element) => (el.shadowRoot!.querySelector('[part="updated"]')?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('after a laptop sleep (the monotonic clock stood still, the wall clock and the server ran on)', function () {
  this.timeout(90_000);
  beforeEach(() => resetServerClock());
  afterEach(async () => {
    performance.now = realNow;
    resetServerClock();
    await lagRealtime(0);
  });

  it('the server-clock estimate stays, "Updated" tells the time since the update, and a change 6 s late reads late (not Live)', async () => {
    const info = await backendInfo();
    const supabase = createClient(info.url, info.anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
    expect((await supabase.auth.signInWithPassword({ email: USERS.alice, password: DEMO_PASSWORD })).error).to.equal(null);
    const stream = await newStream({ name: 'sleep', goal_status: 'in_progress', current_progress: { percentage: 40, completed: 4, total: 10 } });
    const wrapper = await fixture<HTMLElement>(html`<rt-provider .client=${supabase}><rt-stream-card stream-id=${stream.id}></rt-stream-card></rt-provider>`);
    const card = wrapper.querySelector('rt-stream-card')!;
    await waitFor(() => badgeText(card) === 'Live', 20_000, 'Live');
    // An on-time change: a tight sample of the server's clock, as any live page has.
    await updateRows('streams', { id: stream.id }, { current_progress: { percentage: 45, completed: 4, total: 10 } });
    await waitFor(() => /45%/.test(text(card)), 20_000, '45 %');
    const before = clockSkew()!;
    await laptopSleep(SLEEP_MS);
    expect(Math.abs(clockSkew()! - before), 'the estimate after the sleep').to.be.below(1000);
    await waitFor(() => /1\d seconds ago|2\d seconds ago/.test(updated(card)), 12_000, () => `"Updated" counts the sleep: ${updated(card)}`);
    // Realtime now runs 6 s behind: the next change is late, and says so.
    await lagRealtime(LAG_MS);
    const badges = everyFrame(() => `${badgeText(card)}|${/60%/.test(text(card))}`);
    try {
      await updateRows('streams', { id: stream.id }, { current_progress: { percentage: 60, completed: 6, total: 10 } });
      await waitFor(() => /60%/.test(text(card)), 30_000, '60 %, delivered late');
      await waitFor(() => badgeText(card) !== 'Live', 5000, () => `not Live once a change 6 s late arrived (estimate ${clockSkew()} ms): ${[...badges.seen]}`);
    } finally {
      badges.stop();
    }
  });
});
