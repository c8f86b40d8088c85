/**
 * A secret key in a web page (real backend, real Chromium, real elements). QA round 22: the
 * project's service_role key given as the anon key (`data-anon-key`, `anon-key`) or as the access
 * token was used silently: Row Level Security bypassed (another org's stream "Live 65%", another
 * user's alerts), the key in the WebSocket URL, nothing logged. A `service_role` JWT or an
 * `sb_secret_…` key is refused wherever a key or token is given, with the cause on the widget, and
 * nothing is sent with it.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { createClient } from '@supabase/supabase-js';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import { ALICE, backendInfo, insertRows, newStream, waitFor } from '../helpers/backend.js';
import { deepText } from './helpers.js';
import { recordKeysSent } from '../helpers/hosts.js';

const SECRET = 'secret (service_role) key';
const text = (el: Element) => deepText(el.shadowRoot!);

describe('a secret key given to rt-monitor is refused (real backend)', function () {
  this.timeout(60_000);

  let rec: ReturnType<typeof recordKeysSent> | null = null;
  const clients: RtClient[] = [];
  /** From here on, record sockets opened and what requests were sent with (after the test's own set-up writes). */
  const instrument = () => (rec = recordKeysSent());
  afterEach(() => {
    rec?.restore();
    rec = null;
    for (const c of clients.splice(0)) c.dispose();
  });

  it('as the anon key, as the access token, as an sb_secret_ key, in a host SupabaseClient: the widget names it, nothing is sent', async () => {
    const info = await backendInfo();
    // Another org's stream: visible only with RLS bypassed.
    const stream = await newStream({ name: 'secret-key probe', org_id: '00000000-0000-4000-a000-0000000061e0' });
    const host = createClient(info.url, info.serviceRoleKey, { auth: { persistSession: false, autoRefreshToken: false } });
    instrument();
    const wrapper = await fixture<HTMLElement>(html`<div>
      <rt-provider supabase-url=${info.url} anon-key=${info.serviceRoleKey}><rt-stream-progress id="anon" stream-id=${stream.id}></rt-stream-progress></rt-provider>
      <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${info.serviceRoleKey}><rt-stream-progress id="token" stream-id=${stream.id}></rt-stream-progress></rt-provider>
      <rt-provider supabase-url=${info.url} anon-key="sb_secret_0123456789abcdef"><rt-stream-progress id="sb" stream-id=${stream.id}></rt-stream-progress></rt-provider>
      <rt-provider .client=${host}><rt-stream-progress id="host" stream-id=${stream.id}></rt-stream-progress></rt-provider>
    </div>`);
    for (const id of ['anon', 'token', 'sb', 'host']) {
      const el = wrapper.querySelector(`#${id}`)!;
      await waitFor(() => text(el).includes(SECRET), 15_000, `${id}: the secret key named`);
      expect(text(el), id).to.not.include('secret-key probe');
      expect(text(el), id).to.not.include('Live');
    }
    expect(rec!.urls.filter((u) => u.includes(info.serviceRoleKey) || u.includes('sb_secret_')), 'sockets opened with the key').to.deep.equal([]);
    expect(rec!.sent.filter((h) => h.includes(info.serviceRoleKey) || h.includes('sb_secret_')), 'requests sent with the key').to.deep.equal([]);
  });

  it('from a token callback: refused as a token (the user feed names it), never sent', async () => {
    const info = await backendInfo();
    await insertRows('notifications', [{ user_id: ALICE, title: 'secret-key probe note', type: 'info' }]);
    instrument();
    const client = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => info.serviceRoleKey });
    clients.push(client);
    const wrapper = await fixture<HTMLElement>(html`<rt-provider .client=${client}><rt-notifications user-id=${ALICE}></rt-notifications></rt-provider>`);
    const el = wrapper.querySelector('rt-notifications')!;
    await waitFor(() => text(el).includes(SECRET), 15_000, 'the secret key named');
    expect(text(el)).to.not.include('secret-key probe note');
    expect(rec!.urls.filter((u) => u.includes(info.serviceRoleKey))).to.deep.equal([]);
    expect(rec!.sent.filter((h) => h.includes(info.serviceRoleKey))).to.deep.equal([]);
  });
});
