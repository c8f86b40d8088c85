/**
 * `<rt-connection-status>` names the cause the widgets beside it name (real backend, real Chromium).
 * QA70: Broadcast mode on a page without a token read "streams has no enabled rt_broadcast_change
 * trigger" (the trigger was there; the user was not signed in: F4); a feed's table that does not
 * exist read "no enabled trigger" (Broadcast, F5) or "check Realtime is enabled" (postgres_changes,
 * F6), while the list said "Could not find the table".
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-connection-status/rt-connection-status.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-live-list/rt-live-list.js';
import { FEEDS, defineFeed } from '../../src/index.js';
import { USERS, backendInfo, newStream, signIn, waitFor } from '../helpers/backend.js';
import { deepText } from './helpers.js';

const text = (el: Element) => deepText(el.shadowRoot!);

describe('the connection names the cause its widgets name (real backend; QA70)', function () {
  this.timeout(60_000);

  it('Broadcast mode without a token: "not signed in", on the connection as on the widgets (F4)', async () => {
    const info = await backendInfo();
    const stream = await newStream({ name: 'no token' });
    const provider = await fixture<HTMLElement>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} realtime-mode="broadcast">
      <rt-connection-status show-text></rt-connection-status>
      <rt-stream-progress stream-id=${stream.id}></rt-stream-progress>
      <rt-live-list .feed=${FEEDS['agent-executions']} .params=${{ streamId: stream.id }}></rt-live-list>
    </rt-provider>`);
    const [status, progress, list] = ['rt-connection-status', 'rt-stream-progress', 'rt-live-list'].map((t) => provider.querySelector(t)!);
    await waitFor(() => /not signed in/i.test(text(progress)) && /not signed in/i.test(text(list)) && /not signed in/i.test(text(status)), 20_000,
      () => `"not signed in" everywhere:\n status: ${text(status)}\n progress: ${text(progress)}\n list: ${text(list)}`);
    for (const el of [status, progress, list]) expect(text(el)).to.not.match(/trigger|member of/i);
  });

  for (const mode of ['postgres_changes', 'broadcast'] as const) {
    it(`${mode}: a feed whose table does not exist: the connection names the missing table, as the list does (F5, F6)`, async () => {
      const info = await backendInfo();
      const token = await signIn(USERS.alice);
      const feed = defineFeed({ name: `missing-${mode}`, table: 'work_orderz', kind: 'list', filters: [{ column: 'user_id', param: 'userId' }], order: { column: 'created_at', ascending: false } });
      const provider = await fixture<HTMLElement>(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${token} realtime-mode=${mode}>
        <rt-connection-status show-text></rt-connection-status>
        <rt-live-list .feed=${feed} .params=${{ userId: 'u1' }}></rt-live-list>
      </rt-provider>`);
      const [status, list] = ['rt-connection-status', 'rt-live-list'].map((t) => provider.querySelector(t)!);
      await waitFor(() => /work_orderz/.test(text(list)) && /work_orderz/.test(text(status)), 20_000, () => `the table named:\n status: ${text(status)}\n list: ${text(list)}`);
      await waitFor(() => /could not find the table/i.test(text(status)), 20_000, () => `the same cause:\n status: ${text(status)}\n list: ${text(list)}`);
      expect(text(status)).to.not.match(/trigger|Realtime is enabled/i);
    });
  }
});
