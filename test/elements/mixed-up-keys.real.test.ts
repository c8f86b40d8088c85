/**
 * Keys in the wrong place or in pieces (real backend, real Chromium, real elements). QA round 24:
 * M3, the anon key and the access token swapped (a user's JWT as `data-anon-key`, the anon key as
 * `data-access-token`), read "No access … not a member of the organisation" on one widget and
 * "You are not signed in" on the other; M5, an anon key with a line break inside (copied from
 * wrapped text) read "(Failed to construct 'Headers': Invalid value)". Each is named on the widget,
 * and nothing is sent with a user's token as the API key.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import { createRtClient } from '../../src/core/client.js';
import { USERS, backendInfo, newStream, signIn, waitFor } from '../helpers/backend.js';
import { badgeText, deepText } from './helpers.js';
import { recordKeysSent } from '../helpers/hosts.js';

const text = (el: Element) => deepText(el.shadowRoot!);

describe('mixed-up or broken keys are named (real backend)', function () {
  this.timeout(60_000);

  let rec: ReturnType<typeof recordKeysSent>;
  beforeEach(() => (rec = recordKeysSent()));
  afterEach(() => rec.restore());

  it('a user token as the anon key, or both swapped: each widget says so; the anon key itself as the token is signed out, nothing is sent with the user token as the API key (QA24 M3)', async () => {
    const info = await backendInfo();
    const user = await signIn(USERS.alice);
    const stream = await newStream({ name: 'mixed-up keys probe' });
    const wrapper = await fixture<HTMLElement>(html`<div>
      <rt-provider supabase-url=${info.url} anon-key=${user} access-token=${info.anonKey}>
        <rt-stream-progress id="swapped" stream-id=${stream.id}></rt-stream-progress><rt-signal-alerts id="alerts"></rt-signal-alerts>
      </rt-provider>
      <rt-provider supabase-url=${info.url} anon-key=${user}><rt-stream-progress id="user-as-key" stream-id=${stream.id}></rt-stream-progress></rt-provider>
      <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${info.anonKey}><rt-stream-progress id="key-as-token" stream-id=${stream.id}></rt-stream-progress></rt-provider>
    </div>`);
    const said = (id: string) => text(wrapper.querySelector(`#${id}`)!);
    // The anon key itself as the token is a signed-out page (`session?.access_token ?? anonKey`,
    // as supabase-js sends it): no user token, not a mix-up (QA25 M2).
    await waitFor(() => /not signed in/i.test(said('key-as-token')), 15_000, `key-as-token: signed out (shows ${said('key-as-token')})`);
    expect(said('key-as-token')).to.not.include('look swapped');
    for (const id of ['swapped', 'alerts', 'user-as-key']) {
      await waitFor(() => said(id).includes('look swapped'), 15_000, `${id}: the mix-up named`);
      expect(said(id), id).to.not.match(/not signed in|not a member|mixed-up keys probe/i);
    }
    expect(said('swapped')).to.include('the anon key is a user').and.to.include('the access token is the anon key');
    expect(said('user-as-key')).to.include('the anon key is a user').and.not.to.include('the access token is the anon key');
    expect(rec.urls.filter((u) => u.includes(user)), 'sockets opened with the user token as the key').to.deep.equal([]);
    expect(rec.sent.filter((h) => h.split(' ')[0] === user), 'requests sent with the user token as the key').to.deep.equal([]);
  });

  it('an anon key or an access token with a line break or space inside is named; at the ends it is trimmed and works (QA24 M5)', async () => {
    const info = await backendInfo();
    const user = await signIn(USERS.alice);
    const stream = await newStream({ name: 'broken key probe' });
    const cut = (key: string, gap: string) => `${key.slice(0, 40)}${gap}${key.slice(40)}`;
    const wrapper = await fixture<HTMLElement>(html`<div>
      <rt-provider supabase-url=${info.url} anon-key=${cut(info.anonKey, '\n')}><rt-stream-progress id="newline" stream-id=${stream.id}></rt-stream-progress></rt-provider>
      <rt-provider supabase-url=${info.url} anon-key=${cut(info.anonKey, ' ')}><rt-stream-progress id="space" stream-id=${stream.id}></rt-stream-progress></rt-provider>
      <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${cut(user, '\r\n')}><rt-stream-progress id="token" stream-id=${stream.id}></rt-stream-progress></rt-provider>
      <rt-provider supabase-url=${info.url} anon-key=${`\n ${info.anonKey}\n`} access-token=${` ${user}\n`}><rt-stream-progress id="ends" stream-id=${stream.id}></rt-stream-progress></rt-provider>
    </div>`);
    const said = (id: string) => text(wrapper.querySelector(`#${id}`)!);
    await waitFor(() => said('newline').includes('The anon key contains a line break or space'), 15_000, 'newline named');
    await waitFor(() => said('space').includes('The anon key contains a line break or space'), 15_000, 'space named');
    await waitFor(() => said('token').includes('The access token contains a line break or space'), 15_000, 'token named');
    for (const id of ['newline', 'space', 'token']) expect(said(id), id).to.not.include('Headers');
    // Whitespace at the ends of both is trimmed: the stream shows, Live (QA25 M3: the token's spaces reached the join).
    await waitFor(() => said('ends').includes('broken key probe') && badgeText(wrapper.querySelector('#ends')!) === 'Live', 15_000, `whitespace at the ends trimmed: the stream shows, Live (shows ${said('ends')})`);
  });

  it('a new-format publishable key (sb_publishable_…, not a JWT) is accepted as the anon key beside a user token', async () => {
    const info = await backendInfo();
    const client = createRtClient({ url: info.url, anonKey: 'sb_publishable_0123456789abcdef', accessToken: await signIn(USERS.alice) });
    try {
      expect(client.configError).to.equal(null);
    } finally {
      client.dispose();
    }
  });
});
