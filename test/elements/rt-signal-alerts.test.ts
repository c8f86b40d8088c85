import { expect, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import type { RtSignalAlerts } from '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import { $, $$, ALICE, ago, BOB, HOSTILE, memory, mount, settle, text, waitForNoText, waitForText } from './helpers.js';

function seeded() {
  const client = memory();
  client.setRows('signal_alerts', [
    { id: 'a1', user_id: ALICE, business_name: 'Acme Plumbing', signal_type: 'hiring_surge', priority: 'high', read: false, created_at: ago(60_000) },
    { id: 'a2', user_id: ALICE, business_name: 'Beta Roofing', signal_type: 'funding', priority: 'low', read: true, created_at: ago(120_000) },
    { id: 'a3', user_id: ALICE, business_name: 'Gamma HVAC', signal_type: 'expansion', priority: 'critical', read: false, created_at: ago(30_000) },
    { id: 'b1', user_id: BOB, business_name: 'Bob Secret Co', signal_type: 'x', priority: 'medium', read: false, created_at: ago(10_000) },
  ]);
  return client;
}

async function alerts(client = seeded(), attrs = html`<rt-signal-alerts></rt-signal-alerts>`) {
  const el = await mount<RtSignalAlerts>(client, attrs, 'rt-signal-alerts');
  await waitForText(el, 'Acme Plumbing');
  return el;
}

describe('rt-signal-alerts', () => {
  it('keyboard focus stays on a row\'s "Mark read" while rows arrive and re-order around it (QA15 F2)', async () => {
    const client = memory();
    client.setRows('signal_alerts', [
      { id: 'x', user_id: ALICE, business_name: 'Xenon Labs', signal_type: 'x', priority: 'low', read: false, created_at: ago(10_000) },
      { id: 'y', user_id: ALICE, business_name: 'Yarrow Farms', signal_type: 'x', priority: 'low', read: false, created_at: ago(20_000) },
      { id: 'a1', user_id: ALICE, business_name: 'Acme Plumbing', signal_type: 'x', priority: 'high', read: false, created_at: ago(60_000) },
    ]);
    const el = await alerts(client);
    const button = () => [...$$(el, '[part="item"]')].find((i) => i.textContent!.includes('Acme Plumbing'))!.querySelector<HTMLButtonElement>('[part="mark-read"]')!;
    button().focus();
    expect(el.shadowRoot!.activeElement === button()).to.equal(true);
    // The focused (last) row moves to the top: the keyed list moves its node. Another arrives.
    client.update('signal_alerts', { id: 'a1', created_at: new Date().toISOString() });
    client.insert('signal_alerts', { id: 'a6', user_id: ALICE, business_name: 'Zeta Builders', signal_type: 'x', priority: 'low', created_at: ago(15_000) });
    await waitForText(el, 'Zeta Builders');
    await settle(el);
    expect($$(el, '[part="item"]')[0].textContent).to.include('Acme Plumbing');
    expect(el.shadowRoot!.activeElement === button(), `focus on ${document.activeElement?.tagName}`).to.equal(true);
    // Enter on it still marks that row read.
    button().click();
    await waitUntil(() => client.readCalls.some((c) => c.table === 'signal_alerts' && c.id === 'a1'), 'a1 marked read');
  });

  it('lists the newest alerts with business, signal type, priority badge and time', async () => {
    const el = await alerts();
    const items = $$(el, '[part="item"]');
    expect(items.map((i) => i.querySelector('[part="business"]')!.textContent!.replace('Unread:', '').trim())).to.deep.equal([
      'Gamma HVAC',
      'Acme Plumbing',
      'Beta Roofing',
    ]);
    expect(items[1].textContent).to.include('hiring surge');
    expect(items[1].querySelector('[part="priority"]')!.textContent!.trim()).to.equal('High');
    expect(items[0].querySelector('[part="priority"]')!.textContent!.trim()).to.equal('Critical');
    expect(items[1].textContent).to.match(/1 minute ago/);
    expect($(el, '[part="unread-badge"]')!.textContent!.trim()).to.equal('2 new');
    expect($(el, '[part="live-badge"]')!.textContent).to.include('Live');
    expect(text(el)).not.to.include('Bob Secret Co');
    await expect(el).to.be.accessible();
  });

  it('"Mark all as read" calls the client and clears the badge', async () => {
    const client = seeded();
    const el = await alerts(client);
    $(el, '[part="mark-all"]')!.click();
    await waitForNoText(el, '2 new');
    expect(client.readCalls.some((c) => c.table === 'signal_alerts' && c.all)).to.be.true;
    expect($(el, '[part="mark-all"]')).to.be.null;
    expect($$(el, '[part="mark-read"]').length).to.equal(0);
    await expect(el).to.be.accessible();
  });

  it('marks one alert read', async () => {
    const client = seeded();
    const el = await alerts(client);
    const button = $$(el, '[part="item"]')[1].querySelector<HTMLButtonElement>('[part="mark-read"]')!;
    expect(button.textContent).to.include("Acme Plumbing");
    button.click();
    await waitForText(el, '1 new');
    expect(client.readCalls.some((c) => c.table === 'signal_alerts' && c.id === 'a1' && !c.all)).to.be.true;
  });

  it('keyboard focus on a "Mark read" / "Mark all as read" button that disappears goes to its row, not to <body>', async () => {
    const client = seeded();
    const el = await alerts(client);
    const row = $$(el, '[part="item"]')[1];
    const button = row.querySelector<HTMLButtonElement>('[part="mark-read"]')!;
    button.focus();
    button.click();
    await waitForText(el, '1 new');
    await settle(el);
    expect(row.querySelector('[part="mark-read"]'), 'the button is gone').to.equal(null);
    expect(el.shadowRoot!.activeElement, 'focus on the row').to.equal(row);
    expect(document.activeElement).to.equal(el);

    const all = $(el, '[part="mark-all"]') as HTMLButtonElement;
    all.focus();
    all.click();
    await waitForNoText(el, '1 new');
    await settle(el);
    expect($(el, '[part="mark-all"]')).to.equal(null);
    expect(el.shadowRoot!.activeElement, 'focus on the first row').to.equal($$(el, '[part="item"]')[0]);
    expect(document.activeElement).to.equal(el);
  });

  it('no unread number while the snapshot cannot be read (a count of the live changes alone is not the truth)', async () => {
    const client = seeded();
    client.fail('signal_alerts', { code: 'network', message: 'blocked' });
    const el = await mount<RtSignalAlerts>(client, html`<rt-signal-alerts></rt-signal-alerts>`, 'rt-signal-alerts');
    await waitForText(el, 'cannot be reached');
    client.insert('signal_alerts', { id: 'n1', user_id: ALICE, business_name: 'Live Only Co', signal_type: 'x', priority: 'low', read: false, created_at: new Date().toISOString() });
    const feed = (el as unknown as { feed: { data: Array<{ id: string }> } }).feed;
    await waitUntil(() => feed.data.some((a) => a.id === 'n1'), 'the live insert reached the feed');
    await settle(el);
    expect($(el, '[part="unread-badge"]')?.textContent?.trim() ?? null, 'no "1 new" beside the error').to.equal(null);
    expect($(el, '[part="mark-all"]') === null, 'no "Mark all as read" either').to.equal(true);
    client.fail('signal_alerts', null); // the snapshot's retry reads it
    await waitUntil(() => $(el, '[part="unread-badge"]')?.textContent?.trim() === '3 new', `the true count once read: ${$(el, '[part="unread-badge"]')?.textContent}`, { timeout: 8000 });
  });

  it('a failed mark-read says why on screen (in the danger colour), by cause', async () => {
    const client = seeded();
    const el = await alerts(client);
    for (const [code, cause] of [
      ['forbidden', 'Your account may not change it.'],
      ['network', 'The server cannot be reached.'],
      ['session-expired', 'Your session has expired. Sign in again.'],
      ['something-new', 'The server reported an error.'],
    ] as const) {
      client.failWrites('signal_alerts', { code: code as 'forbidden', message: `raw ${code}` });
      ($(el, '[part="mark-all"]') as HTMLButtonElement).click();
      await waitUntil(() => $(el, '[part="action-error-cause"]')?.textContent === cause, `cause for ${code}`);
      const box = $(el, '[part="action-error"]')!;
      expect(box.textContent).to.include('Could not mark as read');
      expect(box.title).to.equal(`raw ${code}`);
      expect(getComputedStyle(box).color, 'danger text colour, not inherited').to.not.equal(getComputedStyle($(el, '[part="base"]')!).color);
    }
    await expect(el).to.be.accessible();
  });

  it('a mark-read that failed while disconnected is no longer reported once the feed is live again', async () => {
    const client = seeded();
    const el = await alerts(client);
    client.setConnection({ status: 'disconnected' });
    client.failWrites('signal_alerts', { code: 'network', message: 'offline' });
    await waitForText(el, 'Stale');
    ($(el, '[part="mark-all"]') as HTMLButtonElement).click();
    await waitForText(el, 'Could not mark as read');
    expect($(el, '[part="unread-badge"]')!.textContent!.trim(), 'rolled back').to.equal('2 new');
    client.failWrites('signal_alerts', null);
    client.setConnection({ status: 'connected' });
    await waitForNoText(el, 'Could not mark as read');
    expect($(el, '[part="live-badge"]')!.textContent).to.include('Live');
    expect($(el, '[part="unread-badge"]')!.textContent!.trim()).to.equal('2 new');
  });

  it('announces new alerts politely and fires rt-alert', async () => {
    const client = seeded();
    const el = await alerts(client);
    const ev = oneEvent(el, 'rt-alert');
    client.insert('signal_alerts', { id: 'a4', user_id: ALICE, business_name: 'Delta Electric', signal_type: 'new_location', priority: 'medium' });
    const e = await ev;
    expect(e.detail.alert.business_name).to.equal('Delta Electric');
    expect(e.detail.critical).to.be.false;
    await waitForText(el, 'Delta Electric');
    expect($(el, '[role="status"]')!.textContent).to.include('Delta Electric');
    expect($(el, '[role="alert"]')!.textContent!.trim()).to.equal('');
    expect($(el, '[part="unread-badge"]')!.textContent!.trim()).to.equal('3 new');
  });

  it('announces critical alerts assertively (role="alert")', async () => {
    const client = seeded();
    const el = await alerts(client);
    const ev = oneEvent(el, 'rt-alert');
    client.insert('signal_alerts', { id: 'a5', user_id: ALICE, business_name: 'Omega Corp', signal_type: 'churn_risk', priority: 'critical' });
    expect((await ev).detail.critical).to.be.true;
    await waitForText(el, 'Omega Corp');
    expect($(el, '[role="alert"]')!.textContent).to.include('Omega Corp');
  });

  it('is a keyboard-navigable feed', async () => {
    const el = await alerts();
    const feed = $(el, '[role="feed"]')!;
    const items = $$(el, '[part="item"]');
    expect(items.every((i) => i.tabIndex === 0)).to.be.true;
    expect(items[0].getAttribute('aria-posinset')).to.equal('1');
    expect(items[0].getAttribute('aria-setsize')).to.equal('3');
    const press = (key: string) =>
      (el.shadowRoot!.activeElement as HTMLElement).dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true }));
    items[0].focus();
    press('ArrowDown');
    expect(el.shadowRoot!.activeElement).to.equal(items[1]);
    press('End');
    expect(el.shadowRoot!.activeElement).to.equal(items[2]);
    press('Home');
    expect(el.shadowRoot!.activeElement).to.equal(items[0]);
    press('PageDown');
    expect(el.shadowRoot!.activeElement).to.equal(items[1]);
    expect(feed).to.exist;
  });

  it('max-items limits the list', async () => {
    const el = await alerts(seeded(), html`<rt-signal-alerts max-items="2"></rt-signal-alerts>`);
    expect($$(el, '[part="item"]').length).to.equal(2);
  });

  it('user-id shows another user (as far as the client allows)', async () => {
    const el = await mount<RtSignalAlerts>(seeded(), html`<rt-signal-alerts user-id=${BOB}></rt-signal-alerts>`, 'rt-signal-alerts');
    await waitForText(el, 'Bob Secret Co');
    expect(text(el)).not.to.include('Acme Plumbing');
  });

  it('empty, loading, error and stale states', async () => {
    const empty = await mount<RtSignalAlerts>(memory(), html`<rt-signal-alerts></rt-signal-alerts>`, 'rt-signal-alerts');
    await waitForText(empty, 'No signal alerts');
    await expect(empty).to.be.accessible();

    const held = seeded();
    held.hold('signal_alerts');
    const loading = await mount<RtSignalAlerts>(held, html`<rt-signal-alerts></rt-signal-alerts>`, 'rt-signal-alerts');
    expect($(loading, '[part="loading"]')).to.exist;
    await expect(loading).to.be.accessible();

    const failing = seeded();
    failing.fail('signal_alerts', { code: 'server', message: 'x' });
    const error = await mount<RtSignalAlerts>(failing, html`<rt-signal-alerts></rt-signal-alerts>`, 'rt-signal-alerts');
    await waitForText(error, 'Could not load live data');
    await expect(error).to.be.accessible();

    const client = seeded();
    const stale = await alerts(client);
    client.setConnection({ status: 'disconnected' });
    await waitForText(stale, 'Stale');
    await expect(stale).to.be.accessible();
  });

  it('a token the client is renewing by itself: its rows (or "No signal alerts") stay, under an amber badge; a rejected token is red (QA85 N4)', async () => {
    const badge = (el: Element) => $(el, '[part~="live-badge"]');
    const renewing = { code: 'unauthorized', message: 'The access token has expired: JWT expired', detail: 'PGRST303' } as const;
    for (const rows of [true, false]) {
      const client = rows ? seeded() : memory();
      const el = await mount<RtSignalAlerts>(client, html`<rt-signal-alerts></rt-signal-alerts>`, 'rt-signal-alerts');
      await waitForText(el, rows ? 'Acme Plumbing' : 'No signal alerts');
      await waitUntil(() => badge(el)?.textContent?.includes('Live'), 'live');
      client.fail('signal_alerts', renewing);
      await waitUntil(() => !badge(el)?.textContent?.includes('Live'), 'off Live while the token is renewed');
      await settle(el);
      expect(badge(el)!.dataset.tone, badge(el)!.textContent!).to.equal('warning');
      expect(text(el)).to.include(rows ? 'Acme Plumbing' : 'No signal alerts').and.not.include('Could not load live data');
      expect(badge(el)!.getAttribute('title') ?? text(el)).to.include('Renewing it');
      await expect(el).to.be.accessible();
      // The same refusal once the session cannot be renewed: red.
      client.fail('signal_alerts', { ...renewing, detail: 'token-rejected' });
      await waitUntil(() => badge(el)?.dataset.tone === 'danger' || text(el).includes('Could not load live data'), 'a rejected token is red');
      client.fail('signal_alerts', null);
      await waitUntil(() => badge(el)?.textContent?.includes('Live'), 'live again');
    }
  });

  it('renders hostile business names inert and unknown priorities as "Unknown"', async () => {
    const client = memory();
    client.setRows('signal_alerts', [
      { id: 'h', user_id: ALICE, business_name: HOSTILE, signal_type: HOSTILE, priority: 'urgent!!' as never, created_at: null as never },
      { id: 'l', user_id: ALICE, business_name: 'L'.repeat(10_000), signal_type: 'x', priority: 'low' },
    ]);
    const el = await mount<RtSignalAlerts>(client, html`<rt-signal-alerts></rt-signal-alerts>`, 'rt-signal-alerts');
    await waitForText(el, HOSTILE);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect(text(el)).to.include('Unknown');
    const long = $$(el, '[part="business"]').find((b) => b.textContent!.includes('LLL'))!;
    expect(long.textContent!.length).to.be.below(200);
    expect(long.title.length).to.be.greaterThan(1000);
    await settle(el);
    await expect(el).to.be.accessible();
  });
});
