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
import { ALICE, backendInfo, insertRows, newId, newStream, signIn, updateRows } from '../helpers/backend.js';
import { skewClock } from '../helpers/clock.js';
import { badgeText, text } from './helpers.js';

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

/** A valid user token for `userId` from an issuer whose clock runs `aheadS` seconds fast (`iss` given or none). */
async function tokenIssuedAhead(userId: string, aheadS: number, iss?: string): Promise<string> {
  const { jwtSecret } = await backendInfo();
  const b64url = (data: string | Uint8Array) => {
    let s = '';
    for (const b of typeof data === 'string' ? new TextEncoder().encode(data) : data) s += String.fromCharCode(b);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  const iat = Math.floor(Date.now() / 1000) + aheadS;
  const payload = b64url(JSON.stringify({ ...(iss ? { iss } : {}), sub: userId, role: 'authenticated', aud: 'authenticated', iat, exp: iat + 3600 }));
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(jwtSecret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${header}.${payload}`)));
  return `${header}.${payload}.${b64url(sig)}`;
}

describe("a token from another issuer whose clock runs fast (QA48 F1: on-time changes read \"Stale: Realtime is behind\" for up to 2 h)", function () {
  this.timeout(40_000);
  beforeEach(() => resetServerClock());
  afterEach(() => resetServerClock());

  for (const [what, iss] of [
    ['a third-party issuer (Clerk, Auth0, Firebase)', 'https://clerk.example.com'],
    ['a token server of the page\'s own (no iss)', undefined],
  ] as const) {
    it(`${what}, 20 s fast: its iat is not read as the server's time; changes delivered at once keep the widget Live, "Updated just now"`, async () => {
      const info = await backendInfo();
      const token = await tokenIssuedAhead(ALICE, 20, iss); // the backend, like PostgREST, accepts it
      const s = await newStream({ name: `Issuer ${newId().slice(0, 6)}`, goal_status: 'in_progress', current_progress: { percentage: 10, completed: 1, total: 10 } });
      const root = await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token}>
        <rt-stream-card stream-id=${s.id}></rt-stream-card>
      </rt-provider>`);
      const card = root.querySelector('rt-stream-card')!;
      await until('Live at 10%', () => badgeText(card) === 'Live' && text(card).includes('10%'), () => text(card));
      // Every badge shown from now on (each frame), to the control change.
      const badges = new Set<string | null>();
      let watching = true;
      const watch = () => {
        badges.add(badgeText(card));
        if (watching) requestAnimationFrame(watch);
      };
      watch();
      try {
        await updateRows('streams', { id: s.id }, { current_progress: { percentage: 40, completed: 4, total: 10 } });
        await until('40%', () => text(card).includes('40%'), () => text(card));
        // A control change after it: whatever the first one's delivery set off was judged before it.
        await updateRows('streams', { id: s.id }, { current_progress: { percentage: 50, completed: 5, total: 10 } });
        await until('50%, Live', () => text(card).includes('50%') && badgeText(card) === 'Live', () => text(card));
      } finally {
        watching = false;
      }
      expect([...badges], `badges shown (skew estimate ${clockSkew()} ms)`).to.deep.equal(['Live']);
      expect(Math.abs(clockSkew() ?? 0), 'the skew estimate (ms): the browser and server clocks are the same').to.be.below(3000);
      expect(updatedText(card)).to.match(JUST_NOW);
    });
  }
});
