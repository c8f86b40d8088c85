/**
 * Sharing the host page's own SupabaseClient: the widgets follow its sign-in, user switch and
 * sign-out (issue 6, "Sharing with the host app") — real supabase-js against the real backend.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { createClient } from '@supabase/supabase-js';
import '../../src/elements/rt-provider/rt-provider.js';
import type { RtProvider } from '../../src/elements/rt-provider/rt-provider.js';
import { configure, getDefaultClient, setDefaultClient } from '../../src/core/default-client.js';
import { ALICE, BOB, USERS, backendInfo, insertRows, newStream, waitFor } from '../helpers/backend.js';
import type { LiveQueryState } from '../../src/core/types.js';
import type { TestAlertsHost } from '../helpers/hosts.js';
import '../helpers/hosts.js';
import { tapListenerCount } from '../../src/core/realtime-tap.js';

type Host = Awaited<ReturnType<typeof hostClient>>;

/** What observes the host client: auth subscriptions, Phoenix socket callbacks, heartbeat and retry hooks. */
function observers(supabase: Host) {
  const rt = supabase.realtime as unknown as {
    socketAdapter: { heartbeatCallback: unknown; getSocket(): { stateChangeCallbacks: Record<string, unknown[]> } };
    reconnectTimer: { timerCalc: unknown };
  };
  const cbs = rt.socketAdapter.getSocket().stateChangeCallbacks;
  // Each Phoenix channel registers one socket onOpen and one onError of its own (removed when it
  // leaves), and realtime-js one onOpen + onClose per connect(): count what is left beside those.
  const channels = supabase.realtime.getChannels().length;
  return {
    auth: (supabase.auth as unknown as { stateChangeEmitters: Map<unknown, unknown> }).stateChangeEmitters.size,
    open: cbs.open.length - channels,
    close: cbs.close.length,
    error: cbs.error.length - channels,
    heartbeat: rt.socketAdapter.heartbeatCallback,
    timerCalc: rt.reconnectTimer.timerCalc,
    taps: tapListenerCount(supabase.realtime),
  };
}

/** Sign the host client in as alice and bob in turn, `n` times, each time waiting for `current()` to be replaced. */
async function switchUsers(supabase: Host, n: number, current: () => unknown) {
  for (let i = 0; i < n; i++) {
    const before = current();
    const { error } = await supabase.auth.signInWithPassword({ email: i % 2 === 0 ? USERS.bob : USERS.alice, password: 'rt-monitor-demo' });
    expect(error).to.equal(null);
    await waitFor(() => current() !== before && current() !== undefined, 10_000, `client rebuilt after switch ${i + 1}`);
  }
}

async function hostClient() {
  const info = await backendInfo();
  const supabase = createClient(info.url, info.anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
  const { error } = await supabase.auth.signInWithPassword({ email: USERS.alice, password: 'rt-monitor-demo' });
  expect(error).to.equal(null);
  return supabase;
}

describe("following the host's SupabaseClient session (real backend)", function () {
  this.timeout(60_000);

  it('<rt-provider .client=${supabase}>: sign in as another user, then sign out', async () => {
    const supabase = await hostClient();
    const el = await fixture<RtProvider>(html`<rt-provider .client=${supabase}><test-alerts-host></test-alerts-host></rt-provider>`);
    const host = () => el.querySelector('test-alerts-host') as TestAlertsHost;
    await waitFor(() => host().ctl.phase === 'live' && host().ctl.alerts.length > 0, 15_000, 'alice live');
    expect(host().ctl.alerts.every((a) => a.user_id === ALICE)).to.equal(true);
    const first = el.rtClient;

    // The host switches user: the widgets now show bob's alerts only, live.
    const { error } = await supabase.auth.signInWithPassword({ email: USERS.bob, password: 'rt-monitor-demo' });
    expect(error).to.equal(null);
    await waitFor(() => el.rtClient !== first, 10_000, 'a fresh client for the new user');
    expect(await el.rtClient!.getUserId()).to.equal(BOB);
    await waitFor(() => host().ctl.phase === 'live' && host().ctl.alerts.length > 0 && host().ctl.alerts.every((a) => a.user_id === BOB), 15_000, 'bob live');
    const tag = crypto.randomUUID().slice(0, 8);
    const [mine] = await insertRows('signal_alerts', [{ user_id: BOB, business_name: `host switch ${tag}`, signal_type: 't' }]);
    await insertRows('signal_alerts', [{ user_id: ALICE, business_name: `not bob ${tag}`, signal_type: 't' }]);
    await waitFor(() => host().ctl.alerts.some((a) => a.id === mine.id), 10_000, "bob's new alert");
    expect(host().ctl.alerts.some((a) => a.user_id === ALICE)).to.equal(false);

    // The host signs out: no user's alerts remain on screen.
    await supabase.auth.signOut();
    await waitFor(() => host().ctl.alerts.length === 0 && host().ctl.phase !== 'loading', 15_000, 'signed out: nothing shown');
    expect(await el.rtClient!.getUserId()).to.equal(null);

    // … and signs in again, within seconds (QA31: the widgets kept "You are not signed in" until a
    // reload: the new client took the signed-out client's "no token" for its first answer).
    const signedOut = el.rtClient;
    expect((await supabase.auth.signInWithPassword({ email: USERS.alice, password: 'rt-monitor-demo' })).error).to.equal(null);
    await waitFor(() => el.rtClient !== signedOut, 10_000, 'a fresh client for the signed-in user');
    await waitFor(() => host().ctl.phase === 'live' && host().ctl.alerts.length > 0, 15_000, () => `alice live again (${host().ctl.phase}: ${host().ctl.error?.message})`);
    expect(host().ctl.alerts.every((a) => a.user_id === ALICE)).to.equal(true);
    el.remove();
    await supabase.removeAllChannels();
  });

  it('RtMonitor.configure({ client }) follows the host session too', async () => {
    const supabase = await hostClient();
    const first = configure({ client: supabase as never });
    try {
      expect(await first.getUserId()).to.equal(ALICE);
      await supabase.auth.signInWithPassword({ email: USERS.bob, password: 'rt-monitor-demo' });
      await waitFor(() => getDefaultClient() !== first, 10_000, 'default client rebuilt');
      expect(await getDefaultClient()!.getUserId()).to.equal(BOB);
      // Signed out, then in again at once: the user of the new session, not "not signed in" (QA31).
      const bob = getDefaultClient();
      await supabase.auth.signOut();
      await waitFor(() => getDefaultClient() !== bob, 10_000, 'rebuilt for the sign-out');
      const signedOut = getDefaultClient()!;
      expect(await signedOut.getUserId()).to.equal(null);
      await supabase.auth.signInWithPassword({ email: USERS.alice, password: 'rt-monitor-demo' });
      await waitFor(() => getDefaultClient() !== signedOut, 10_000, 'rebuilt for the sign-in');
      expect(await getDefaultClient()!.getUserId()).to.equal(ALICE);
    } finally {
      setDefaultClient(null);
      await supabase.auth.signOut();
      await supabase.removeAllChannels();
    }
  });

  it('signed out: each read is sent once, not again with the same missing token (QA55: every read twice, each a 401 on the console)', async () => {
    const info = await backendInfo();
    const sent: string[] = [];
    const answered: number[] = [];
    const counting: typeof fetch = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const mine = url.includes('/rest/v1/streams');
      if (mine) sent.push(url);
      const res = await fetch(input, init);
      if (mine) answered.push(res.status);
      return res;
    };
    const supabase = createClient(info.url, info.anonKey, { auth: { persistSession: false, autoRefreshToken: false }, global: { fetch: counting } });
    expect((await supabase.auth.signInWithPassword({ email: USERS.alice, password: 'rt-monitor-demo' })).error).to.equal(null);
    const stream = await newStream({ name: 'signed out reads' });
    const el = await fixture<RtProvider>(html`<rt-provider .client=${supabase}></rt-provider>`);
    const signedIn = el.rtClient!;
    await supabase.auth.signOut();
    await waitFor(() => el.rtClient && el.rtClient !== signedIn, 10_000, 'rebuilt for the sign-out');
    const client = el.rtClient!;
    let state: LiveQueryState<unknown> | undefined;
    let failures = 0;
    const query = client.liveQuery('stream', { streamId: stream.id });
    const off = query.subscribe((st) => {
      if (st.error && st.error !== state?.error) failures++;
      state = st;
    });
    try {
      await waitFor(() => state?.error?.detail === 'not-signed-in', 15_000, () => `not signed in (${state?.phase}: ${state?.error?.message})`);
      // Each refused read ends as one failure on the state; a resend would be a second request
      // sent before it. Three reads in all (the first, and two asked for).
      for (let read = 2; read <= 3; read++) {
        const before = failures;
        query.refresh();
        await waitFor(() => failures > before && answered.length === sent.length, 15_000, `read ${read} refused`);
      }
      expect(answered.every((status) => status === 401), answered.join()).to.equal(true);
      expect(sent.length, sent.join('\n')).to.equal(failures);
    } finally {
      off();
      el.remove();
      await supabase.removeAllChannels();
    }
  });

  for (const owner of ['<rt-provider .client>', 'RtMonitor.configure({ client })'] as const) {
    it(`${owner}: five user switches leave exactly one set of observers, and disposing leaves none`, async () => {
      const supabase = await hostClient();
      const baseline = observers(supabase);
      let current: () => unknown;
      let el: RtProvider | undefined;
      let widget: Element;
      if (owner === '<rt-provider .client>') {
        el = await fixture<RtProvider>(html`<rt-provider .client=${supabase}><test-alerts-host></test-alerts-host></rt-provider>`);
        current = () => el!.rtClient;
        widget = el.querySelector('test-alerts-host')!;
      } else {
        configure({ client: supabase as never });
        current = () => getDefaultClient();
        widget = await fixture(html`<test-alerts-host></test-alerts-host>`);
      }
      const live = (label: string) => waitFor(() => (widget as TestAlertsHost).ctl.phase === 'live' && observers(supabase).taps === 1, 15_000, label);
      await live('live, one tap on the host socket');
      const one = observers(supabase);
      expect(one.auth).to.equal(baseline.auth + 1);

      await switchUsers(supabase, 5, current);
      // Previous clients are disposed once consumers moved on: wait for that, then count.
      await live('live again after the switches, previous clients disposed');
      const after = observers(supabase);
      expect(after.auth, 'auth subscriptions').to.equal(one.auth);
      expect([after.open, after.close, after.error], 'socket callbacks').to.deep.equal([one.open, one.close, one.error]);
      expect(after.heartbeat, 'one heartbeat observer').to.equal(one.heartbeat);
      expect(after.timerCalc, 'one retry observer').to.equal(one.timerCalc);

      if (el) el.remove();
      else {
        widget.remove();
        setDefaultClient(null);
      }
      await waitFor(() => observers(supabase).taps === 0, 10_000, 'all rt-monitor clients disposed');
      const gone = observers(supabase);
      expect(gone.auth, 'auth subscription removed').to.equal(baseline.auth);
      expect(gone.heartbeat, 'heartbeat callback restored').to.equal(baseline.heartbeat);
      expect(gone.timerCalc, 'retry function restored').to.equal(baseline.timerCalc);
      expect([gone.open, gone.close, gone.error], 'socket callbacks removed').to.deep.equal([one.open - 1, one.close - 1, one.error - 1]);
      await supabase.auth.signOut();
      await supabase.removeAllChannels();
    });
  }
});

