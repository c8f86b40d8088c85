import { expect, html, oneEvent } from '@open-wc/testing';
import '../../src/elements/rt-diagnostics/rt-diagnostics.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import type { RtDiagnostics } from '../../src/elements/rt-diagnostics/rt-diagnostics.js';
import { $, $$, memory, mount, settle, text, waitForText } from './helpers.js';

describe('rt-diagnostics', () => {
  it('shows subscriptions, channel status, latency, attempts, last error and token expiry', async () => {
    const client = memory({ connection: { latencyMs: 23, tokenExpiresAt: Date.now() + 125_000, lastHeartbeatAt: Date.now() - 3000 } });
    client.setRows('streams', [{ id: 's1', name: 'One' }]);
    const el = await mount<RtDiagnostics>(
      client,
      html`<rt-stream-progress stream-id="s1"></rt-stream-progress><rt-diagnostics></rt-diagnostics>`,
      'rt-diagnostics',
    );
    await waitForText(el, /Active subscriptions \(\s*1\s*\)/);
    const t = text(el);
    expect(t).to.include('23 ms');
    expect(t).to.match(/in 2 minutes/);
    expect(t).to.match(/[3-9] seconds ago/); // 3 s when set, and counting
    const rows = $$(el, 'tbody tr');
    expect(rows.length).to.equal(1);
    expect(rows[0].textContent).to.include('streams');
    expect(rows[0].textContent).to.include('Connected');
    // The table's region is named without the count that changes with each subscription (QA85 N2).
    const region = $(el, '[role="region"]')!;
    expect(el.shadowRoot!.getElementById(region.getAttribute('aria-labelledby')!)!.textContent).to.equal('Active subscriptions');
    await expect(el).to.be.accessible();
  });

  it('shows reconnect attempts, next retry and the last error; fires rt-error', async () => {
    const client = memory();
    const el = await mount<RtDiagnostics>(client, html`<rt-diagnostics></rt-diagnostics>`, 'rt-diagnostics');
    expect(text(el)).to.include('No active subscriptions');
    const ev = oneEvent(el, 'rt-error');
    client.setConnection({ status: 'connecting', attempt: 4, nextRetryAt: Date.now() + 8000, lastError: { code: 'network', message: 'ECONNREFUSED' } });
    expect((await ev).detail.error.message).to.equal('ECONNREFUSED');
    await settle(el);
    const t = text(el);
    expect(t).to.include('Connecting');
    expect(t).to.match(/Reconnect attempts\s*4/);
    expect(t).to.match(/in [3-8] seconds/); // 8 s when set, counting down
    expect(t).to.include('ECONNREFUSED');
    expect($(el, '[part="metrics"]')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('names the cause of the last error by its detail (a socket closed by a proxy is not "cannot be reached")', async () => {
    const client = memory();
    const el = await mount<RtDiagnostics>(client, html`<rt-diagnostics></rt-diagnostics>`, 'rt-diagnostics');
    const message = 'The realtime connection was closed (WebSocket close code 1008: blocked by proxy); reconnecting.';
    client.setConnection({ status: 'connecting', lastError: { code: 'network', message, detail: 'socket-closed' } });
    await waitForText(el, /blocked by proxy/);
    expect(text(el)).to.include('a proxy or firewall on the way, closed the realtime connection');
    expect(text(el)).to.not.include('cannot be reached');
  });

  it('shows an expired token', async () => {
    const el = await mount<RtDiagnostics>(memory({ connection: { tokenExpiresAt: Date.now() - 1000 } }), html`<rt-diagnostics></rt-diagnostics>`, 'rt-diagnostics');
    expect(text(el)).to.match(/Token expires\s*Expired/);
  });
});
