/**
 * QA63 F2: keyboard focus on a row, or on a control in it, fell to `<body>` when a change from
 * elsewhere (another tab, another user) removed it, and the next Tab started again from the top of
 * the page. Focus now goes to the row when only its control went, else to the row now in its
 * place, else to the heading (src/internal/focus-keeper.ts, for every element).
 */
import { expect, html } from '@open-wc/testing';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-live-list/rt-live-list.js';
import { FEEDS } from '../../src/core/feeds/index.js';
import { $$, ALICE, ago, memory, mount, settle, waitForNoText, waitForText } from './helpers.js';

function alertsClient() {
  const client = memory();
  client.setRows('signal_alerts', [
    { id: 'a1', user_id: ALICE, business_name: 'First Co', signal_type: 'x', priority: 'low', read: false, created_at: ago(10_000) },
    { id: 'a2', user_id: ALICE, business_name: 'Second Co', signal_type: 'x', priority: 'low', read: false, created_at: ago(20_000) },
    { id: 'a3', user_id: ALICE, business_name: 'Third Co', signal_type: 'x', priority: 'low', read: false, created_at: ago(30_000) },
  ]);
  return client;
}

/** The row whose text includes `name`. */
const rowOf = (el: Element, name: string) => $$(el, '[part~="item"]').find((r) => r.textContent!.includes(name))!;

/**
 * What has focus, in words: the page's focused element, and inside `el` its focused node and text
 * (compared as text: a failing `equal` on DOM nodes makes the runner serialise them, which stalls it).
 */
function focusOf(el: Element): string {
  const node = el.shadowRoot!.activeElement;
  if (document.activeElement !== el || !node) return `outside: ${document.activeElement?.localName}`;
  return `${node.localName}${node.id ? `#${node.id}` : ''}: ${node.textContent!.replace(/\s+/g, ' ').trim().slice(0, 40)}`;
}
const focusText = (node: Element) => `${node.localName}${node.id ? `#${node.id}` : ''}: ${node.textContent!.replace(/\s+/g, ' ').trim().slice(0, 40)}`;

describe('focus on a node a change from elsewhere removes (QA63 F2)', () => {
  it('<rt-signal-alerts>: a row read elsewhere takes its "Mark read" away: focus goes to that row', async () => {
    const client = alertsClient();
    const el = await mount<HTMLElement>(client, html`<rt-signal-alerts></rt-signal-alerts>`, 'rt-signal-alerts');
    await waitForText(el, 'Second Co');
    const row = rowOf(el, 'Second Co');
    row.querySelector<HTMLButtonElement>('[part="mark-read"]')!.focus();
    client.update('signal_alerts', { id: 'a2', read: true });
    await waitForText(el, '2 new');
    await settle(el);
    expect(row.querySelector('[part="mark-read"]'), 'the button is gone').to.equal(null);
    expect(focusOf(el)).to.equal(focusText(row));
  });

  it('<rt-signal-alerts>: the focused row deleted elsewhere: focus goes to the row now in its place, then to the new last row', async () => {
    const client = alertsClient();
    const el = await mount<HTMLElement>(client, html`<rt-signal-alerts></rt-signal-alerts>`, 'rt-signal-alerts');
    await waitForText(el, 'Third Co');
    rowOf(el, 'Second Co').focus();
    client.remove('signal_alerts', 'a2');
    await waitForNoText(el, 'Second Co');
    await settle(el);
    expect(focusOf(el)).to.equal(focusText(rowOf(el, 'Third Co')));
    // The last row removed: the row before it is now last.
    client.remove('signal_alerts', 'a3');
    await waitForNoText(el, 'Third Co');
    await settle(el);
    expect(focusOf(el)).to.equal(focusText(rowOf(el, 'First Co')));
  });

  it('<rt-notifications>: the only row deleted elsewhere: focus goes to the heading', async () => {
    const client = memory();
    client.setRows('notifications', [{ id: 'n1', user_id: ALICE, title: 'Only note', type: 'error', read: false, created_at: ago(5000) }]);
    const el = await mount<HTMLElement>(client, html`<rt-notifications></rt-notifications>`, 'rt-notifications');
    await waitForText(el, 'Only note');
    rowOf(el, 'Only note').focus();
    client.remove('notifications', 'n1');
    await waitForNoText(el, 'Only note');
    await settle(el);
    expect(focusOf(el)).to.match(/^div#title: Notifications/);
  });

  it('<rt-live-list> with rows of the page\'s own (renderItem): a control in a row deleted elsewhere: focus goes to the control of the row now in its place', async () => {
    const client = alertsClient();
    const renderItem = (row: Record<string, unknown>) => html`<button type="button">Open ${row.business_name}</button>`;
    const el = await mount<HTMLElement>(client, html`<rt-live-list .feed=${FEEDS['signal-alerts']} .params=${{ userId: ALICE }} .renderItem=${renderItem}></rt-live-list>`, 'rt-live-list');
    await waitForText(el, 'Open Third Co');
    rowOf(el, 'Second Co').querySelector('button')!.focus();
    client.remove('signal_alerts', 'a2');
    await waitForNoText(el, 'Second Co');
    await settle(el);
    expect(focusOf(el)).to.equal('button: Open Third Co');
  });
});
