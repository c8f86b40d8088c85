/**
 * Sharing the host page's own SupabaseClient: the widgets follow its sign-in, user switch and
 * sign-out (issue 6, "Sharing with the host app") — real supabase-js against the real backend.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { createClient } from '@supabase/supabase-js';
import '../../src/elements/rt-provider/rt-provider.js';
import type { RtProvider } from '../../src/elements/rt-provider/rt-provider.js';
import { configure, getDefaultClient, setDefaultClient } from '../../src/core/default-client.js';
import { ALICE, BOB, USERS, backendInfo, insertRows, waitFor } from '../helpers/backend.js';
import type { TestAlertsHost } from '../helpers/hosts.js';
import '../helpers/hosts.js';

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
    } finally {
      setDefaultClient(null);
      await supabase.auth.signOut();
      await supabase.removeAllChannels();
    }
  });
});
