/** Controllers with the in-memory client: re-subscription on key change, release, late default client. */
import { ClientController } from '../../src/controllers/client-controller.js';
import { StreamProgressController, UserFeedController } from '../../src/controllers/feed-controllers.js';
import { LitElement } from 'lit';
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import { MemoryClient } from '../helpers/memory-client.js';
import { setDefaultClient } from '../../src/core/default-client.js';
import { waitFor } from '../helpers/backend.js';
import type { TestStreamHost } from '../helpers/hosts.js';
import '../helpers/hosts.js';
import '../../src/elements/rt-live-list/rt-live-list.js';
import { FEEDS } from '../../src/core/feeds/index.js';

describe('controllers with the in-memory client', () => {
  afterEach(() => setDefaultClient(null));

  it('re-subscribes when the key changes and releases on disconnect', async () => {
    const client = new MemoryClient();
    client.setRows('streams', [{ id: 's1', org_id: 'o', name: 'one' }, { id: 's2', org_id: 'o', name: 'two' }]);
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${client}><test-stream-host stream-id="s1"></test-stream-host></rt-provider>`);
    const host = el.querySelector('test-stream-host') as TestStreamHost;
    await waitFor(() => host.ctl.progress?.name === 'one', 2000, 'one');
    host.streamId = 's2';
    await waitFor(() => host.ctl.progress?.name === 'two', 2000, 'two');
    await waitFor(() => client.getActiveSubscriptions().length === 1, 2000, 'old one released');
    expect(client.getActiveSubscriptions()[0].filter).to.equal('id=eq.s2');
    host.remove();
    await waitFor(() => client.getActiveSubscriptions().length === 0, 2000, 'released');
  });

  it("params changed in place and handed over again (`el.params.streamId = …; el.params = { ...el.params }`) re-subscribe: QA19, <rt-live-list> kept the previous stream's rows under Live", async () => {
    const client = new MemoryClient();
    client.setRows('agent_executions', [
      { id: 'a1', stream_id: 's1', agent_id: 'first-stream-agent', status: 'running' },
      { id: 'a2', stream_id: 's2', agent_id: 'second-stream-agent', status: 'running' },
    ]);
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${client}><rt-live-list label-field="agent_id"></rt-live-list></rt-provider>`);
    const list = el.querySelector('rt-live-list')!;
    const params: Record<string, unknown> = { streamId: 's1' };
    list.feed = FEEDS['agent-executions'];
    list.params = params;
    const shown = () => list.shadowRoot!.textContent ?? '';
    await waitFor(() => shown().includes('first-stream-agent'), 2000, 'the first stream');
    params.streamId = 's2'; // in place, then handed over as a copy (the old object is now s2 too)
    list.params = { ...params };
    await waitFor(() => shown().includes('second-stream-agent'), 2000, 'the second stream');
    expect(shown()).to.not.include('first-stream-agent');
    params.streamId = 's1'; // in place, the same object handed over again with a render asked for
    list.params = params;
    list.requestUpdate();
    await waitFor(() => shown().includes('first-stream-agent'), 2000, 'the first stream again');
    await waitFor(() => client.getActiveSubscriptions().length === 1, 2000, 'one subscription');
    expect(client.getActiveSubscriptions()[0].filter).to.equal('stream_id=eq.s1');
  });

  it('uses the page default client, also when it is configured late', async () => {
    setDefaultClient(null);
    const wait = ClientController.noClientTimeoutMs;
    // Long enough that a busy machine does not end the wait before the first look at it.
    ClientController.noClientTimeoutMs = 1000;
    const el = await fixture<TestStreamHost>(html`<test-stream-host stream-id="s9"></test-stream-host>`);
    ClientController.noClientTimeoutMs = wait;
    // Pending first (a page may hand over its client after its own sign-in) …
    expect(el.ctl.phase).to.equal('loading');
    expect(el.ctl.error).to.equal(null);
    // … and only after the wait: not configured.
    await waitFor(() => el.ctl.error?.code === 'not-configured', 5000, 'not configured');
    const client = new MemoryClient();
    client.setRows('streams', [{ id: 's9', org_id: 'o', name: 'late' }]);
    setDefaultClient(client);
    await waitFor(() => el.ctl.progress?.name === 'late' && el.ctl.isConnected, 2000, 'late default');
    client.setConnection({ status: 'disconnected' });
    await waitFor(() => el.ctl.status === 'disconnected' && el.ctl.phase === 'stale', 2000, 'stale');
  });

  it("a host moved out of its provider stops using that provider's client (page default, else not configured)", async () => {
    const mine = new MemoryClient();
    mine.setRows('streams', [{ id: 's1', org_id: 'o', name: 'from the provider' }]);
    const page = new MemoryClient();
    page.setRows('streams', [{ id: 's1', org_id: 'o', name: 'from the page default' }]);
    setDefaultClient(page);
    const root = await fixture<HTMLElement>(html`<div><rt-provider .client=${mine}><test-stream-host stream-id="s1"></test-stream-host></rt-provider><section></section></div>`);
    const host = root.querySelector('test-stream-host') as TestStreamHost;
    await waitFor(() => host.ctl.progress?.name === 'from the provider', 2000, 'provider client');
    root.querySelector('section')!.append(host); // out of the provider
    await waitFor(() => host.ctl.progress?.name === 'from the page default', 2000, 'page default after the move');
    await waitFor(() => mine.getActiveSubscriptions().length === 0, 2000, "provider's client released");
    root.querySelector('rt-provider')!.append(host); // and back in
    await waitFor(() => host.ctl.progress?.name === 'from the provider', 2000, 'provider client again');
    host.remove();
    setDefaultClient(null);
    const wait = ClientController.noClientTimeoutMs;
    ClientController.noClientTimeoutMs = 200;
    try {
      root.querySelector('section')!.append(host); // out again, no page default: not configured
      await waitFor(() => host.ctl.error?.code === 'not-configured', 3000, 'not configured');
      expect(host.ctl.progress?.name ?? null).to.not.equal('from the provider');
    } finally {
      ClientController.noClientTimeoutMs = wait;
    }
  });

  it('inside a provider that has no client, not-configured names that provider, not "put the element inside <rt-provider>" (QA41)', async () => {
    setDefaultClient(null);
    const wait = ClientController.noClientTimeoutMs;
    ClientController.noClientTimeoutMs = 200;
    try {
      const root = await fixture<HTMLElement>(html`<div><rt-provider .client=${null}><test-stream-host stream-id="s1"></test-stream-host></rt-provider><section></section></div>`);
      const host = root.querySelector('test-stream-host') as TestStreamHost;
      await waitFor(() => host.ctl.error?.code === 'not-configured', 3000, 'not configured');
      expect(host.ctl.error!.message).to.match(/^The <rt-provider> around this element has no Supabase client/);
      root.querySelector('section')!.append(host); // out of it: how to configure one
      await waitFor(() => /put the element inside <rt-provider/.test(host.ctl.error?.message ?? ''), 3000, 'not configured, outside');
    } finally {
      ClientController.noClientTimeoutMs = wait;
    }
  });

  it('the generation follows the subject (the resolved table and filters): a new limit or the signed-in user by id keeps it; another user or client changes it, and a subject shown again gets its own back (QA45 F3, QA46 F3, QA68 F2)', async () => {
    const client = new MemoryClient({ userId: 'u1' });
    client.setRows('signal_alerts', [{ id: 'a1', user_id: 'u1' }]);
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${client}><test-alerts-host></test-alerts-host></rt-provider>`);
    const host = el.querySelector('test-alerts-host')!;
    await waitFor(() => host.ctl.phase === 'live', 2000, 'live');
    const first = host.ctl.generation;
    host.limit = 5;
    await waitFor(() => client.getActiveSubscriptions().length === 1 && host.ctl.phase === 'live', 2000, 'live again');
    expect(host.ctl.generation, 'the same subject with more rows').to.equal(first);
    host.userId = 'u2';
    await waitFor(() => host.ctl.generation !== first, 2000, 'another subject: another generation');
    const second = host.ctl.generation;
    host.userId = 'u1'; // the signed-in user by name: the same rows as at first, shown again
    await waitFor(() => host.ctl.generation === first, 2000, 'back to u1: its generation back');
    host.userId = null; // the signed-in user, u1 again: the same subject
    await waitFor(() => client.getActiveSubscriptions().length === 1 && host.ctl.phase === 'live', 2000, 'live again');
    expect(host.ctl.generation, 'user-id null and u1 name the same rows').to.equal(first);
    // Another client (rt-provider makes one per user): another generation, even for the same rows.
    const other = new MemoryClient({ userId: 'u1' });
    other.setRows('signal_alerts', [{ id: 'a1', user_id: 'u1' }]);
    (el as HTMLElement & { client: unknown }).client = other;
    await waitFor(() => host.ctl.phase === 'live' && client.getActiveSubscriptions().length === 0, 2000, 'on the other client');
    expect(host.ctl.generation, 'another client: another generation').not.to.be.oneOf([first, second]);
    // Back to the first client (moved to another user's provider and back): its generation again.
    (el as HTMLElement & { client: unknown }).client = client;
    await waitFor(() => host.ctl.generation === first && host.ctl.phase === 'live', 2000, 'the first client again: its generation back');
  });

  it('SignalAlertsController.markAsRead goes through the client (recorded)', async () => {
    const client = new MemoryClient({ userId: 'u1' });
    client.setRows('signal_alerts', [{ id: 'a1', user_id: 'u1' }]);
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${client}><test-alerts-host></test-alerts-host></rt-provider>`);
    const host = el.querySelector('test-alerts-host')!;
    await waitFor(() => host.ctl.unreadCount === 1, 2000, 'one unread');
    expect(await host.ctl.markAsRead('a1')).to.equal(null);
    await waitFor(() => host.ctl.unreadCount === 0, 2000, 'read');
    expect(client.readCalls).to.deep.equal([{ table: 'signal_alerts', id: 'a1', userId: undefined, all: false }]);
  });
  it('a controller made on a host that is already connected (connectedCallback, willUpdate) subscribes and delivers', async () => {
    // Its base constructor must not run the subclass's hooks before the subclass's own fields exist.
    class LateHosts extends LitElement {
      early?: StreamProgressController;
      late?: UserFeedController<'notifications'>;
      override connectedCallback(): void {
        super.connectedCallback();
        this.early ??= new StreamProgressController(this, () => 's1');
      }
      protected override willUpdate(): void {
        this.late ??= new UserFeedController(this, 'notifications', 'notifications', () => ({ userId: 'u1' }));
      }
    }
    customElements.define('test-late-controllers', LateHosts);
    const client = new MemoryClient({ userId: 'u1' });
    client.setRows('streams', [{ id: 's1', org_id: 'o', name: 'one' }]);
    client.setRows('notifications', [{ id: 'n1', user_id: 'u1' }]);
    const errors: unknown[] = [];
    const onError = (e: ErrorEvent | PromiseRejectionEvent) => errors.push('reason' in e ? e.reason : e.error);
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onError);
    try {
      const el = await fixture<HTMLElement>(html`<rt-provider .client=${client}><test-late-controllers></test-late-controllers></rt-provider>`);
      const host = el.querySelector('test-late-controllers') as LateHosts;
      await waitFor(() => host.early?.progress?.name === 'one' && host.late?.unreadCount === 1, 2000, 'both delivered');
      host.remove();
      await waitFor(() => client.getActiveSubscriptions().length === 0, 2000, 'released');
    } finally {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onError);
    }
    expect(errors).to.deep.equal([]);
  });
});
