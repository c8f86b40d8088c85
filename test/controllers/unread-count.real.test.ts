/**
 * The unread count of the signal-alerts and notifications feeds is the user's TRUE number of
 * unread rows (read with the snapshot via `HEAD … Prefer: count=exact`, adjusted live), not the
 * unread rows among the (at most `limit`) rows held. Against the real local backend, with a fresh
 * user per test (a token minted with the backend's JWT secret) so seeded rows never interfere.
 *
 * No test sleeps and then checks that nothing changed: each "no double count" check first waits
 * for the server's own change to be folded in (the held row's version moved on) or for a control
 * row written AFTER the change (one channel delivers in commit order, so the change came first).
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import { createRtClient, type RtClient } from '../../src/core/client.js';
import type { MonitoredTable } from '../../src/core/types.js';
import { backendInfo, deleteRows, insertRows, lagRealtime, mintToken, newId, pauseRealtime, selectRows, updateRows, waitFor } from '../helpers/backend.js';
import type { TestAlertsHost, TestNotificationsHost } from '../helpers/hosts.js';
import '../helpers/hosts.js';

const clients: RtClient[] = [];

afterEach(() => {
  for (const c of clients.splice(0)) c.dispose();
});

async function userClient(user: string): Promise<RtClient> {
  const info = await backendInfo();
  const token = await mintToken(user, 3600);
  const c = createRtClient({ url: info.url, anonKey: info.anonKey, accessToken: async () => token });
  clients.push(c);
  return c;
}

/** `n` unread rows for `user`, newest last inserted; created_at one second apart (oldest first). */
async function seedUnread(table: 'signal_alerts' | 'notifications', user: string, n: number) {
  const base = Date.now() - n * 1000 - 60_000;
  const rows = Array.from({ length: n }, (_, i) => {
    const created_at = new Date(base + i * 1000).toISOString();
    return table === 'signal_alerts'
      ? { id: newId(), user_id: user, business_name: `Biz ${i}`, signal_type: 'funding', priority: 'medium' as const, read: false, created_at }
      : { id: newId(), user_id: user, title: `Note ${i}`, type: 'info' as const, read: false, created_at };
  });
  return (await insertRows(table as 'signal_alerts', rows as never)) as Array<{ id: string; created_at: string }>;
}

async function dbUnread(table: MonitoredTable, user: string): Promise<number> {
  return (await selectRows(table, { user_id: user, read: false })).length;
}

describe('unread count: the true number of unread rows, not those held', function () {
  this.timeout(60_000);

  it('SignalAlertsController: 60 unread shows 60 (limit 50); live INSERT / UPDATE / DELETE, resync, markAsRead, markAllAsRead', async () => {
    const user = newId();
    const seeded = await seedUnread('signal_alerts', user, 60);
    const oldest = seeded.slice(0, 10); // beyond the 50 held
    const client = await userClient(user);
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${client}><test-alerts-host></test-alerts-host></rt-provider>`);
    const host = el.querySelector('test-alerts-host') as TestAlertsHost;
    await waitFor(() => host.ctl.phase === 'live' && host.ctl.isConnected && host.ctl.alerts.length === 50, 15_000, 'live with 50 rows');
    await waitFor(() => host.ctl.unreadCount === 60, 5000, 'unread 60');
    expect(host.ctl.alerts.length).to.equal(50);

    // markAsRead of a held row: optimistic, then persisted.
    const held = host.ctl.alerts[3];
    const pending = host.ctl.markAsRead(held.id);
    await waitFor(() => host.ctl.unreadCount === 59, 2000, 'optimistic 59');
    expect(await pending).to.equal(null);
    expect(await dbUnread('signal_alerts', user)).to.equal(59);
    // The server's own UPDATE arrives (the held row's version moves on): no double count.
    await waitFor(() => host.ctl.alerts.find((a) => a.id === held.id)?.updated_at !== held.updated_at, 10_000, "the server's UPDATE of the held row");
    expect(host.ctl.alerts.find((a) => a.id === held.id)?.read).to.equal(true);
    expect(host.ctl.unreadCount).to.equal(59);

    // Live INSERT of an unread alert: +1 (the window stays 50; its oldest row stays counted).
    const [fresh] = await insertRows('signal_alerts', [{ id: newId(), user_id: user, business_name: 'New', signal_type: 'funding', priority: 'high', read: false }]);
    await waitFor(() => host.ctl.alerts[0]?.id === fresh.id, 10_000, 'insert at the top');
    expect(host.ctl.unreadCount).to.equal(60); // delivered with the row itself
    expect(host.ctl.alerts.length).to.equal(50);

    // UPDATE of a row NOT held (older than the window): read flips, -1; then back, +1.
    await updateRows('signal_alerts', { id: oldest[0].id }, { read: true });
    await waitFor(() => host.ctl.unreadCount === 59, 10_000, 'outside read -1');
    await updateRows('signal_alerts', { id: oldest[0].id }, { read: false });
    await waitFor(() => host.ctl.unreadCount === 60, 10_000, 'outside unread +1');
    await updateRows('signal_alerts', { id: oldest[0].id }, { read: true });
    await waitFor(() => host.ctl.unreadCount === 59, 10_000, 'outside read -1 again');

    // DELETE of a held unread row: -1 (the window refills from beyond, which stays counted once).
    const victim = host.ctl.alerts.find((a) => !a.read && a.id !== fresh.id)!;
    await deleteRows('signal_alerts', { id: victim.id });
    await waitFor(() => !host.ctl.alerts.some((a) => a.id === victim.id), 10_000, 'delete');
    await waitFor(() => host.ctl.unreadCount === 58, 5000, 'delete -1');
    // The window refills from beyond (a snapshot read, which re-reads the count too).
    await waitFor(() => host.ctl.alerts.length === 50 && !host.ctl.alerts.some((a) => a.id === victim.id), 10_000, 'window refilled to 50');
    expect(host.ctl.unreadCount).to.equal(58);

    // DELETE of a row NOT held (Realtime sends only its id under RLS): re-counted.
    await deleteRows('signal_alerts', { id: oldest[1].id });
    await waitFor(() => host.ctl.unreadCount === 57, 10_000, 'outside delete -1');
    expect(await dbUnread('signal_alerts', user)).to.equal(57);

    // Resync: while the socket is down three more old alerts are read; after reconnect the count is re-read.
    await pauseRealtime(1500);
    await waitFor(() => !host.ctl.isConnected, 5000, 'disconnected');
    for (const row of oldest.slice(2, 5)) await updateRows('signal_alerts', { id: row.id }, { read: true });
    await waitFor(() => host.ctl.isConnected && host.ctl.phase === 'live', 20_000, 'reconnected');
    await waitFor(() => host.ctl.unreadCount === 54, 5000, 'resync 54');
    expect(await dbUnread('signal_alerts', user)).to.equal(54);

    // markAllAsRead: 0 at once (held and beyond), persisted, and stays 0 as the server's UPDATEs arrive.
    const all = host.ctl.markAllAsRead();
    await waitFor(() => host.ctl.unreadCount === 0, 2000, 'optimistic 0');
    expect(await all).to.equal(null);
    expect(await dbUnread('signal_alerts', user)).to.equal(0);

    // A control row written after the server's UPDATEs: when it is shown, they have all been folded
    // in (commit order), and the count is exactly that one new row: the UPDATEs counted nothing twice.
    const [later] = await insertRows('signal_alerts', [{ id: newId(), user_id: user, business_name: 'Later', signal_type: 'funding', priority: 'low', read: false }]);
    await waitFor(() => host.ctl.alerts[0]?.id === later.id, 10_000, 'control row after mark-all');
    expect(host.ctl.alerts.slice(1).every((a) => a.read)).to.equal(true);
    expect(host.ctl.unreadCount).to.equal(1);
  });

  it('NotificationsController: 60 unread shows 60, mark one -> 59, mark all -> 0', async () => {
    const user = newId();
    await seedUnread('notifications', user, 60);
    const client = await userClient(user);
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${client}><test-notifications-host></test-notifications-host></rt-provider>`);
    const host = el.querySelector('test-notifications-host') as TestNotificationsHost;
    await waitFor(() => host.ctl.phase === 'live' && host.ctl.notifications.length === 50, 15_000, 'live with 50 rows');
    await waitFor(() => host.ctl.unreadCount === 60, 5000, 'unread 60');

    expect(await host.ctl.markAsRead(host.ctl.notifications[0].id)).to.equal(null);
    await waitFor(() => host.ctl.unreadCount === 59, 3000, '59');
    expect(await dbUnread('notifications', user)).to.equal(59);

    expect(await host.ctl.markAllAsRead()).to.equal(null);
    await waitFor(() => host.ctl.unreadCount === 0, 3000, '0');
    expect(await dbUnread('notifications', user)).to.equal(0);
    // Control row after the server's UPDATEs (see above): exactly one unread when it is shown.
    const [later] = await insertRows('notifications', [{ id: newId(), user_id: user, title: 'Later', type: 'info', read: false }]);
    await waitFor(() => host.ctl.notifications[0]?.id === later.id, 10_000, 'control row after mark-all');
    expect(host.ctl.notifications.slice(1).every((n) => n.read)).to.equal(true);
    expect(host.ctl.unreadCount).to.equal(1);
  });

  it('a burst committed while realtime lags, read by a resync before it is delivered, is counted once: never above the table', async () => {
    const user = newId();
    await seedUnread('signal_alerts', user, 5);
    const client = await userClient(user);
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${client}><test-alerts-host .limit=${10}></test-alerts-host></rt-provider>`);
    const host = el.querySelector('test-alerts-host') as TestAlertsHost;
    await waitFor(() => host.ctl.phase === 'live' && host.ctl.isConnected && host.ctl.unreadCount === 5, 15_000, 'live with 5 unread');
    // Every value the page could paint, frame by frame.
    let most = 0;
    let watching = true;
    const watch = () => {
      most = Math.max(most, host.ctl.unreadCount);
      if (watching) requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    const alert = (name: string, read = false) => ({ id: newId(), user_id: user, business_name: name, signal_type: 'funding', priority: 'medium' as const, read });
    await lagRealtime(3000);
    try {
      // 200 alerts in one statement; realtime will deliver them 3 s after their commit …
      await insertRows('signal_alerts', Array.from({ length: 200 }, (_, i) => alert(`Burst ${i}`)));
      // … and meanwhile the socket reconnects: the resync reads rows and count with the burst in them.
      const selects = host.ctl.alerts;
      client.reconnect();
      await waitFor(() => host.ctl.alerts !== selects && host.ctl.unreadCount === 205 && host.ctl.phase === 'live', 15_000, `resync read 205 (shows ${host.ctl.unreadCount})`);
      // A control row committed after the burst: once it is shown, the burst has been delivered.
      const [control] = await insertRows('signal_alerts', [alert('Control', true)]);
      await waitFor(() => host.ctl.alerts[0]?.id === control.id, 20_000, 'the control alert (the burst delivered before it)');
    } finally {
      await lagRealtime(0);
    }
    await waitFor(() => host.ctl.unreadCount === 205, 10_000, `205 unread (shows ${host.ctl.unreadCount})`);
    watching = false;
    expect(await dbUnread('signal_alerts', user)).to.equal(205);
    expect(most, 'the most unread ever shown').to.be.at.most(205);
  });

  it('<rt-signal-alerts max-items="10">: the badge says 60 new, not 10', async () => {
    const user = newId();
    await seedUnread('signal_alerts', user, 60);
    const client = await userClient(user);
    const el = await fixture<HTMLElement>(html`<rt-provider .client=${client}><rt-signal-alerts max-items="10"></rt-signal-alerts></rt-provider>`);
    const alerts = el.querySelector('rt-signal-alerts') as HTMLElement & { unreadCount: number; shadowRoot: ShadowRoot };
    await waitFor(() => alerts.unreadCount === 60, 15_000, 'element unread 60');
    await waitFor(() => alerts.shadowRoot.querySelector('[part="unread-badge"]')?.textContent?.trim() === '60 new', 5000, 'badge 60 new');
  });

  for (const [table, tag] of [['signal_alerts', 'rt-signal-alerts'], ['notifications', 'rt-notifications']] as const) {
    it(`<${tag}>: "Mark all as read" marks what the user had when they clicked, not a row that arrives while it is in flight`, async () => {
      const user = newId();
      await seedUnread(table, user, 3);
      const client = await userClient(user);
      // Every PATCH of this table waits until released: a slow link, during which a new row arrives.
      const nativeFetch = window.fetch;
      let patches = 0;
      let patched = 0;
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      window.fetch = async (input, init) => {
        const url = String(input instanceof Request ? input.url : input);
        if (url.includes(`/rest/v1/${table}`) && init?.method === 'PATCH') {
          patches++;
          await released;
          const res = await nativeFetch(input, init);
          patched++;
          return res;
        }
        return nativeFetch(input, init);
      };
      try {
        const el = await fixture<HTMLElement>(html`<rt-provider .client=${client}>${
          tag === 'rt-signal-alerts' ? html`<rt-signal-alerts></rt-signal-alerts>` : html`<rt-notifications></rt-notifications>`
        }</rt-provider>`);
        const feed = el.querySelector(tag) as HTMLElement & { unreadCount: number; shadowRoot: ShadowRoot };
        await waitFor(() => feed.unreadCount === 3 && feed.shadowRoot.querySelector('[part="mark-all"]'), 15_000, '3 unread, Mark all shown');
        (feed.shadowRoot.querySelector('[part="mark-all"]') as HTMLButtonElement).click();
        await waitFor(() => patches === 1, 5000, 'the PATCH is on its way');
        const [late] = await insertRows(table as 'signal_alerts', [
          (table === 'signal_alerts'
            ? { id: newId(), user_id: user, business_name: 'Arrived meanwhile', signal_type: 'funding', priority: 'critical', read: false }
            : { id: newId(), user_id: user, title: 'Arrived meanwhile', type: 'info', read: false }) as never,
        ]);
        await waitFor(() => feed.unreadCount === 1, 10_000, 'the new row shows as unread');
        release();
        await waitFor(() => patched === 1, 10_000, 'the write landed');
        expect(await dbUnread(table, user)).to.equal(1);
        const [row] = await selectRows(table, { id: late.id });
        expect(row.read, 'the row that arrived after the click').to.equal(false);
        // The server's UPDATEs and a re-count follow: the new row stays the one unread.
        await insertRows(table as 'signal_alerts', [
          (table === 'signal_alerts'
            ? { id: newId(), user_id: user, business_name: 'Control', signal_type: 'funding', priority: 'low', read: true }
            : { id: newId(), user_id: user, title: 'Control', type: 'info', read: true }) as never,
        ]);
        await waitFor(() => feed.shadowRoot.textContent?.includes('Control'), 10_000, 'control row shown');
        await waitFor(() => feed.unreadCount === 1, 5000, 'one unread');
      } finally {
        release();
        window.fetch = nativeFetch;
      }
    });
  }
});
