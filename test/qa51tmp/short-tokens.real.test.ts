/**
 * QA51: siblings of the early token hand-over (session.ts #handOverEarly): short-lived tokens
 * from callbacks that are slow, that sometimes throw, or that live 8-15 s. Every frame is watched
 * for the server's "Token has expired" refusal; the callback's calls are counted.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { ALICE, USERS, backendInfo, mintToken, newStream, setTokenTtl, updateRows, waitFor } from '../helpers/backend.js';
import { createClient } from '@supabase/supabase-js';
import { TokenUnavailableError } from '../../src/core/tokens.js';
import { instrumentWebSocket, type TestConnectionHost, type TestStreamHost } from '../helpers/hosts.js';
import '../helpers/hosts.js';

const clients: RtClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(label: string, ttl: number, source: ((n: number) => Promise<string | null>) | { host: unknown; calls: () => number }, watchMs = 40_000) {
  const info = await backendInfo();
  let n = 0;
  const calls0 = () => (typeof source === 'function' ? n : source.calls());
  const ws = instrumentWebSocket();
  let c: RtClient;
  try {
    c = typeof source === 'function'
      ? createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: () => source(++n) })
      : createRtClient({ client: source.host as never });
    clients.push(c);
  } finally {
    ws.restore();
  }
  const stream = await newStream({ name: label });
  const el = await fixture<HTMLElement>(html`<rt-provider .client=${c}>
    <test-stream-host stream-id=${stream.id}></test-stream-host><test-connection-host></test-connection-host>
  </rt-provider>`);
  const host = el.querySelector('test-stream-host') as TestStreamHost;
  const conn = el.querySelector('test-connection-host') as TestConnectionHost;
  await waitFor(() => host.ctl.phase === 'live' && host.ctl.isConnected && conn.ctl.isConnected, 15_000, 'live');
  const atLive = calls0();
  let notLive = 0;
  const seen = new Set<string>();
  const t0 = Date.now();
  while (Date.now() - t0 < watchMs) {
    await sleep(250);
    if (host.ctl.phase !== 'live' || !conn.ctl.isConnected || host.ctl.error) {
      notLive++;
      seen.add(`${host.ctl.phase}/${host.ctl.status}/${conn.ctl.isConnected}/${host.ctl.error?.code ?? ''}:${host.ctl.error?.message?.slice(0, 80) ?? ''}`);
    }
  }
  await updateRows('streams', { id: stream.id }, { name: `${label} after` });
  await waitFor(() => host.ctl.progress?.name === `${label} after` && host.ctl.phase === 'live', 15_000, 'update, Live');
  const perMin = ((calls0() - atLive) * 60_000) / watchMs;
  const refusals = ws.received.filter((f) => /has expired/i.test(f));
  console.log(`[qa51] ${label}: ttl ${ttl}s, ${perMin.toFixed(1)} callback calls/min, ${refusals.length} refusal frames, ${notLive} not-live samples ${JSON.stringify([...seen])}`);
  return { perMin, refusals, notLive, error: host.ctl.error, connError: conn.ctl.error };
}

describe('QA51 short-lived tokens (real backend)', function () {
  this.timeout(120_000);

  it('8 s tokens from a callback: no refusal, Live, no storm of token requests', async () => {
    const r = await run('ttl8', 8, async () => mintToken(ALICE, 8));
    expect(r.refusals).to.deep.equal([]);
    expect(r.notLive).to.equal(0);
    expect(r.perMin).to.be.below(60);
  });

  it('15 s tokens from a callback: no refusal, Live', async () => {
    const r = await run('ttl15', 15, async () => mintToken(ALICE, 15));
    expect(r.refusals).to.deep.equal([]);
    expect(r.notLive).to.equal(0);
    expect(r.perMin).to.be.below(60);
  });

  it('10 s tokens from a callback that takes 2.5 s to answer: no refusal, Live', async () => {
    const r = await run('slow10', 10, async () => {
      await sleep(2500);
      return mintToken(ALICE, 10 + 2.5);
    });
    expect(r.refusals).to.deep.equal([]);
    expect(r.notLive).to.equal(0);
  });

  it('10 s tokens from a callback that throws every third call: no refusal, Live', async () => {
    const r = await run('flaky10', 10, async (n) => {
      if (n > 1 && n % 3 === 0) throw new Error('token service hiccup');
      return mintToken(ALICE, 10);
    });
    expect(r.refusals).to.deep.equal([]);
    expect(r.notLive).to.equal(0);
  });

  it('10 s tokens from a callback whose token service is unreachable every third call (TokenUnavailableError): no refusal, Live', async () => {
    const r = await run('unavail10', 10, async (n) => {
      if (n > 1 && n % 3 === 0) throw new TokenUnavailableError('token service hiccup');
      return mintToken(ALICE, 10);
    });
    expect(r.refusals).to.deep.equal([]);
    expect(r.notLive).to.equal(0);
  });

  it("a host supabase-js client (autoRefreshToken) whose Auth issues 10 s tokens: no refusal, Live, no storm of refreshes", async () => {
    await setTokenTtl(10);
    const native = window.fetch;
    let refreshes = 0;
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input instanceof Request ? input.url : input).includes('grant_type=refresh_token')) refreshes++;
      return native(input, init);
    };
    try {
      const info = await backendInfo();
      const supabase = createClient(info.url, info.anonKey, { auth: { persistSession: false, autoRefreshToken: true } });
      const { error } = await supabase.auth.signInWithPassword({ email: USERS.alice, password: 'rt-monitor-demo' });
      expect(error).to.equal(null);
      const r = await run('host10', 10, { host: supabase, calls: () => refreshes });
      await supabase.auth.signOut().catch(() => {});
      expect(r.refusals).to.deep.equal([]);
      expect(r.notLive).to.equal(0);
      expect(r.perMin).to.be.below(60);
    } finally {
      window.fetch = native;
      await setTokenTtl(3600);
    }
  });
});
