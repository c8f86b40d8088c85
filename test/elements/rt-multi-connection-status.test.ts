import { expect, html, oneEvent } from '@open-wc/testing';
import '../../src/elements/rt-multi-connection-status/rt-multi-connection-status.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import type { RtMultiConnectionStatus } from '../../src/elements/rt-multi-connection-status/rt-multi-connection-status.js';
import { $$, HOSTILE, memory, mount, settle, text, waitForText } from './helpers.js';

describe('rt-multi-connection-status', () => {
  it('lists given subscriptions with icon + text statuses', async () => {
    const subs = [
      { name: 'Streams', status: 'connected' },
      { name: 'Scans', status: 'connecting' },
      { name: 'Agents', status: 'disconnected' },
      { name: 'Signals', status: 'error' },
      { name: 'Odd', status: 'bogus' },
    ];
    const el = await mount<RtMultiConnectionStatus>(memory(), html`<rt-multi-connection-status .subscriptions=${subs}></rt-multi-connection-status>`, 'rt-multi-connection-status');
    const items = $$(el, '[part="item"]');
    expect(items.length).to.equal(5);
    expect(items.map((i) => i.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal([
      'Streams Connected',
      'Scans Connecting',
      'Agents Disconnected',
      'Signals Connection error',
      'Odd Unknown',
    ]);
    expect(text(el)).to.include('1 of 5 connected');
    for (const i of items) expect(i.querySelector('svg')).to.exist;
    expect(el.overallStatus).to.equal('error');
    await expect(el).to.be.accessible();
  });

  it('a joined subscription whose data was refused reads as an error with its cause, not "Connected" (QA20: "2 of 2 connected" beside widgets reading "No access"), nor "Connection error" (QA57 F3)', async () => {
    const subs = [
      { name: 'Streams', status: 'connected', lastError: { code: 'not-found', message: 'No stream s9, or no access to it.' } },
      { name: 'Scans', status: 'connected', lastError: null },
    ];
    const el = await mount<RtMultiConnectionStatus>(memory(), html`<rt-multi-connection-status .subscriptions=${subs}></rt-multi-connection-status>`, 'rt-multi-connection-status');
    // Named by its cause, as the widget says it (QA57 F3: "Connection error" beside "Connected").
    expect($$(el, '[part="item"]').map((i) => i.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal(['Streams No access', 'Scans Connected']);
    expect(text(el)).to.include('1 of 2 connected');
    expect(el.overallStatus).to.equal('error');
  });

  it('shows an empty state instead of a blank box', async () => {
    const el = await mount<RtMultiConnectionStatus>(memory(), html`<rt-multi-connection-status .subscriptions=${[]}></rt-multi-connection-status>`, 'rt-multi-connection-status');
    expect(text(el)).to.include('No active subscriptions');
    await expect(el).to.be.accessible();
  });

  it("defaults to the client's active subscriptions and follows their status", async () => {
    const client = memory();
    client.setRows('streams', [{ id: 's1', name: 'One' }]);
    const el = await mount<RtMultiConnectionStatus>(
      client,
      html`<rt-stream-progress stream-id="s1"></rt-stream-progress><rt-multi-connection-status></rt-multi-connection-status>`,
      'rt-multi-connection-status',
    );
    await waitForText(el, 'of 1 connected');
    expect($$(el, '[part="item"]').length).to.equal(1);
    const ev = oneEvent(el, 'rt-status-change');
    client.setConnection({ status: 'disconnected' });
    expect((await ev).detail.status).to.not.equal('connected');
    await settle(el);
    expect(text(el)).to.include('0 of 1 connected');
    await expect(el).to.be.accessible();
  });

  it('an item without a name reads "Untitled", not a blank row (QA38)', async () => {
    const el = await mount<RtMultiConnectionStatus>(
      memory(),
      html`<rt-multi-connection-status .subscriptions=${[{ name: '', status: 'connected' }, { status: 'connecting' } as never]}></rt-multi-connection-status>`,
      'rt-multi-connection-status',
    );
    const names = [...el.shadowRoot!.querySelectorAll('[part~="name"]')].map((n) => n.textContent!.trim());
    expect(names).to.deep.equal(['Untitled', 'Untitled']);
    await expect(el).to.be.accessible();
  });

  it('renders hostile names as text', async () => {
    const el = await mount<RtMultiConnectionStatus>(
      memory(),
      html`<rt-multi-connection-status .subscriptions=${[{ name: HOSTILE, status: 'connected' }]}></rt-multi-connection-status>`,
      'rt-multi-connection-status',
    );
    expect(text(el)).to.include(HOSTILE);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
  });
});
