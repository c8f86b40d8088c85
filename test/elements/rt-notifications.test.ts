import { expect, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-notifications/rt-notifications.js';
import type { RtNotifications } from '../../src/elements/rt-notifications/rt-notifications.js';
import { $, $$, ALICE, ago, HOSTILE, memory, mount, text, waitForNoText, waitForText } from './helpers.js';

function seeded() {
  const client = memory();
  client.setRows('notifications', [
    { id: 'n1', user_id: ALICE, title: 'Scan finished', body: 'Midwest HVAC found 12 targets.', type: 'success', link: '/scans/1', read: false, created_at: ago(5 * 60_000) },
    { id: 'n2', user_id: ALICE, title: 'Quota warning', body: null, type: 'warning', link: 'javascript:alert(1)', read: false, created_at: ago(60_000) },
    { id: 'n3', user_id: ALICE, title: 'Welcome', body: 'Hello', type: 'info', link: null, read: true, created_at: ago(3600_000) },
  ]);
  return client;
}

describe('rt-notifications', () => {
  it('shows type icon, title, body, safe link, time and unread count', async () => {
    const el = await mount<RtNotifications>(seeded(), html`<rt-notifications></rt-notifications>`, 'rt-notifications');
    await waitForText(el, 'Scan finished');
    const items = $$(el, '[part="item"]');
    expect(items.map((i) => i.dataset.type)).to.deep.equal(['warning', 'success', 'info']);
    expect(items[1].querySelector('[part="body"]')!.textContent).to.include('12 targets');
    expect(items[1].querySelector('a[part="link"]')!.getAttribute('href')).to.match(/\/scans\/1$/);
    expect(items[0].querySelector('a')).to.be.null; // javascript: is never linked
    expect(items[1].textContent).to.include('5 minutes ago');
    expect(items[0].querySelector('.entry-icon svg')).to.exist;
    expect($(el, '[part="unread-badge"]')!.textContent!.trim()).to.equal('2 new');
    await expect(el).to.be.accessible();
  });

  it('marks one and all as read', async () => {
    const client = seeded();
    const el = await mount<RtNotifications>(client, html`<rt-notifications></rt-notifications>`, 'rt-notifications');
    await waitForText(el, '2 new');
    $$(el, '[part="item"]')[0].querySelector<HTMLButtonElement>('[part="mark-read"]')!.click();
    await waitForText(el, '1 new');
    expect(client.readCalls.some((c) => c.table === 'notifications' && c.id === 'n2')).to.be.true;
    $(el, '[part="mark-all"]')!.click();
    await waitForNoText(el, '1 new');
    expect(client.readCalls.some((c) => c.table === 'notifications' && c.all)).to.be.true;
    await expect(el).to.be.accessible();
  });

  it('fires rt-notification and announces new ones', async () => {
    const client = seeded();
    const el = await mount<RtNotifications>(client, html`<rt-notifications></rt-notifications>`, 'rt-notifications');
    await waitForText(el, 'Scan finished');
    const ev = oneEvent(el, 'rt-notification');
    client.insert('notifications', { id: 'n4', user_id: ALICE, title: 'Export ready', type: 'info' });
    expect((await ev).detail.notification.title).to.equal('Export ready');
    await waitForText(el, 'Export ready');
    expect($(el, '[role="status"]')!.textContent).to.include('Export ready');
    const ev2 = oneEvent(el, 'rt-notification');
    client.insert('notifications', { id: 'n5', user_id: ALICE, title: 'Sync failed', type: 'error' });
    await ev2;
    await waitForText(el, 'Sync failed');
    expect($(el, '[role="alert"]')!.textContent).to.include('Sync failed');
  });

  it('a burst of arrivals is announced as a count, not row by row (QA15 F3)', async () => {
    const client = seeded();
    const el = await mount<RtNotifications>(client, html`<rt-notifications></rt-notifications>`, 'rt-notifications');
    await waitForText(el, 'Scan finished');
    for (let i = 0; i < 12; i++) client.insert('notifications', { id: `b${i}`, user_id: ALICE, title: `Bulk ${i}`, type: 'info' }); // one frame
    await waitForText(el, 'Bulk 11');
    await waitUntil(() => $(el, '[role="status"]')!.textContent!.includes('12 new'), `announced: ${$(el, '[role="status"]')!.textContent}`);
    expect($(el, '[role="status"]')!.textContent).not.to.include('Bulk');
    // One or two at a time are still named (at the end of the burst's batch window).
    client.insert('notifications', { id: 'n9', user_id: ALICE, title: 'Export ready', type: 'info' });
    await waitUntil(() => $(el, '[role="status"]')!.textContent!.includes('Export ready'), 'one arrival named', { timeout: 4000 });
  });

  it('updates and removes on UPDATE / DELETE', async () => {
    const client = seeded();
    const el = await mount<RtNotifications>(client, html`<rt-notifications></rt-notifications>`, 'rt-notifications');
    await waitForText(el, 'Welcome');
    client.update('notifications', { id: 'n3', title: 'Welcome back' });
    await waitForText(el, 'Welcome back');
    client.remove('notifications', 'n3');
    await waitForNoText(el, 'Welcome back');
  });

  it('empty, loading, error, stale', async () => {
    const empty = await mount<RtNotifications>(memory(), html`<rt-notifications></rt-notifications>`, 'rt-notifications');
    await waitForText(empty, 'all caught up');
    await expect(empty).to.be.accessible();

    const held = seeded();
    held.hold('notifications');
    const loading = await mount<RtNotifications>(held, html`<rt-notifications></rt-notifications>`, 'rt-notifications');
    expect($(loading, '[part="loading"]')).to.exist;
    await expect(loading).to.be.accessible();

    const failing = seeded();
    failing.fail('notifications', { code: 'not-configured', message: 'x' });
    const error = await mount<RtNotifications>(failing, html`<rt-notifications></rt-notifications>`, 'rt-notifications');
    await waitForText(error, 'not configured');
    await expect(error).to.be.accessible();

    const client = seeded();
    const stale = await mount<RtNotifications>(client, html`<rt-notifications></rt-notifications>`, 'rt-notifications');
    await waitForText(stale, 'Live');
    client.setConnection({ status: 'disconnected' });
    await waitForText(stale, 'Stale');
    await expect(stale).to.be.accessible();
  });

  it('hostile titles and bodies are inert; unknown types fall back', async () => {
    const client = memory();
    client.setRows('notifications', [{ id: 'h', user_id: ALICE, title: HOSTILE, body: HOSTILE, type: 'alien' as never }]);
    const el = await mount<RtNotifications>(client, html`<rt-notifications></rt-notifications>`, 'rt-notifications');
    await waitForText(el, HOSTILE);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect($(el, '[part="item"]')!.dataset.type).to.equal('unknown');
    expect(text(el)).to.include('Notice');
  });
});
