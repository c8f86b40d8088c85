/**
 * Clock skew against the real local backend: the page's clock is 2 minutes off the server's
 * (Date.now and `new Date()` shifted, time keeps running), the elements estimate the server's
 * clock from the REST Date header and realtime commit timestamps, and a row just updated on the
 * server reads "Updated just now" / "… seconds ago" — not "in 1 minute", not "2 minutes ago" — and a
 * running agent's duration advances.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import { clockSkew, resetServerClock } from '../../src/core/server-clock.js';
import { backendInfo, insertRows, newId, newStream, signIn, updateRows } from '../helpers/backend.js';
import { skewClock } from '../helpers/clock.js';
import { text } from './helpers.js';

const TIMEOUT = 10_000;
const MIN = 60_000;
/** The just-now forms: "Updated just now", "Updated 10 seconds ago". */
const JUST_NOW = /^Updated (just now|\d+ seconds? ago)$/;

function updatedText(el: Element): string {
  return (el.shadowRoot!.querySelector('[part="updated"]')?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

async function until(what: string, fn: () => boolean, read: () => string) {
  try {
    await waitUntil(fn, what, { timeout: TIMEOUT, interval: 50 });
  } catch {
    throw new Error(`${what}; showed: ${read().slice(0, 300)}`);
  }
}

/** Seconds shown by "Elapsed: N sec" (or null). */
function elapsedSeconds(el: Element): number | null {
  const m = /Elapsed\s*:\s*(\d+)\s*sec/.exec(text(el));
  return m ? Number(m[1]) : null;
}

for (const [name, offset] of [
  ['2 minutes behind', -2 * MIN],
  ['2 minutes ahead', 2 * MIN],
] as const) {
  describe(`a browser clock ${name} the server`, function () {
    this.timeout(40_000);
    let restore: (() => void) | undefined;

    beforeEach(() => {
      restore = skewClock(offset);
      resetServerClock();
    });
    afterEach(() => {
      restore?.();
      resetServerClock();
    });

    it('a freshly updated stream reads "Updated just now", and a running agent\'s duration advances', async () => {
      const info = await backendInfo();
      const token = await signIn('alice@example.com');
      const s = await newStream({ name: `Skew ${newId().slice(0, 6)}`, goal_status: 'in_progress', current_progress: { percentage: 10, completed: 1, total: 10 } });
      const wrapper = await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}>
        <rt-stream-card stream-id=${s.id}></rt-stream-card>
        <rt-agent-executions stream-id=${s.id}></rt-agent-executions>
      </rt-provider>`);
      const card = wrapper.querySelector('rt-stream-card')!;
      const agents = wrapper.querySelector('rt-agent-executions')!;
      await until('card never went live', () => text(card).includes('Live') && text(card).includes('10%'), () => text(card));

      // Updated through the backend now: the server stamps updated_at with its own clock.
      await updateRows('streams', { id: s.id }, { current_progress: { percentage: 40, completed: 4, total: 10 } });
      await until('card never showed 40%', () => text(card).includes('40%'), () => text(card));
      const updated = updatedText(card);
      expect(updated).to.match(JUST_NOW);
      expect(updated).not.to.include(' in ');
      expect(updated).not.to.include('minute');
      // The estimate is the page's skew (to within latency and the Date header's second), not 0.
      expect(Math.abs(clockSkew()! - offset)).to.be.below(MIN);

      // An agent that started on the server just now: its elapsed time runs from 0 (not frozen at 0, not 2 minutes).
      const [queued] = await insertRows('agent_executions', [{ id: newId(), stream_id: s.id, agent_id: 'skew-agent', status: 'queued' }]);
      await updateRows('agent_executions', { id: queued!.id }, { status: 'running', started_at: queued!.created_at });
      await until('agent never shown running', () => elapsedSeconds(agents) != null, () => text(agents));
      const first = elapsedSeconds(agents)!;
      expect(first).to.be.below(60);
      await until(`elapsed never advanced past ${first} sec`, () => (elapsedSeconds(agents) ?? 0) > first, () => text(agents));
      expect(text(agents)).to.match(/Started\s*:\s*(just now|\d+ seconds? ago)/);
      expect(updatedText(card)).to.match(JUST_NOW);
    });
  });
}
