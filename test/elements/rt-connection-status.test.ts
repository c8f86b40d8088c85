import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-connection-status/rt-connection-status.js';
import type { RtConnectionStatus } from '../../src/elements/rt-connection-status/rt-connection-status.js';
import { $, memory, mount, settle, text } from './helpers.js';
import { recordWarnings } from '../helpers/hosts.js';
import '../../src/elements/rt-diagnostics/rt-diagnostics.js';
import { ClientController } from '../../src/controllers/client-controller.js';
import { getDefaultClient, setDefaultClient } from '../../src/core/default-client-slot.js';

describe('rt-connection-status', () => {
  for (const [status, label, tone] of [
    ['connected', 'Connected', 'success'],
    ['connecting', 'Connecting', 'warning'],
    ['disconnected', 'Disconnected', 'neutral'],
    ['error', 'Connection error', 'danger'],
  ] as const) {
    it(`fixed status ${status}: icon + "${label}"`, async () => {
      const el = await mount<RtConnectionStatus>(memory(), html`<rt-connection-status status=${status}></rt-connection-status>`, 'rt-connection-status');
      const base = $(el, '[part="base"]')!;
      expect(base.dataset.tone).to.equal(tone);
      expect(base.querySelector('svg')).to.exist;
      expect($(el, '[part="label"]')!.textContent).to.equal(label);
      expect(el.matches(`:state(${status})`)).to.be.true;
      await expect(el).to.be.accessible();
    });
  }

  it('each status in its own colours: green connected, amber connecting, red error, grey disconnected (the tone is painted, not only set)', async () => {
    const look: Record<string, string> = {};
    for (const status of ['connected', 'connecting', 'disconnected', 'error']) {
      const el = await mount<RtConnectionStatus>(memory(), html`<rt-connection-status theme="light" status=${status}></rt-connection-status>`, 'rt-connection-status');
      const base = getComputedStyle($(el, '[part="base"]')!);
      look[status] = `${base.color} on ${base.backgroundColor}, icon ${getComputedStyle($(el, '[part="icon"]')!).color}`;
    }
    expect(new Set(Object.values(look)).size, JSON.stringify(look)).to.equal(4);
    // The same colours as every other badge of that tone (the shared [data-tone] rules).
    const ref = await mount<RtConnectionStatus>(memory(), html`<rt-connection-status theme="light" status="connected"></rt-connection-status>`, 'rt-connection-status');
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.dataset.tone = 'success';
    ref.shadowRoot!.append(badge);
    expect(getComputedStyle($(ref, '[part="base"]')!).backgroundColor).to.equal(getComputedStyle(badge).backgroundColor);
  });

  it('shows an unknown status as "Unknown", not blank', async () => {
    const el = await mount<RtConnectionStatus>(memory(), html`<rt-connection-status status="weird"></rt-connection-status>`, 'rt-connection-status');
    expect(text(el)).to.include('Unknown');
    await expect(el).to.be.accessible();
  });

  for (const size of ['sm', 'md', 'lg'] as const) {
    it(`size ${size} is accessible and scales the text`, async () => {
      const el = await mount<RtConnectionStatus>(memory(), html`<rt-connection-status status="connected" size=${size}></rt-connection-status>`, 'rt-connection-status');
      const px = parseFloat(getComputedStyle($(el, '[part="base"]')!).fontSize);
      expect({ sm: px < 13, md: px >= 13 && px < 15, lg: px >= 15 }[size], `${size}: ${px}px`).to.be.true;
      await expect(el).to.be.accessible();
    });
  }

  it('a status typed by hand in another case or with spaces reads as that status; a blank label is the default (QA38)', async () => {
    for (const status of ['CONNECTED', ' connected ']) {
      const el = await mount<RtConnectionStatus>(memory(), html`<rt-connection-status status=${status}></rt-connection-status>`, 'rt-connection-status');
      expect(text(el), JSON.stringify(status)).to.include('Connected');
    }
    const el = await mount<RtConnectionStatus>(memory(), html`<rt-connection-status status="connected" show-text="false" label=""></rt-connection-status>`, 'rt-connection-status');
    expect($(el, '[part="label"]')!.textContent!.trim()).to.equal('Realtime connection: Connected');
    await expect(el).to.be.accessible();
  });

  it('show-text="false" keeps the text for screen readers only', async () => {
    const el = await mount<RtConnectionStatus>(memory(), html`<rt-connection-status status="connected" show-text="false" size="sm"></rt-connection-status>`, 'rt-connection-status');
    const label = $(el, '[part="label"]')!;
    expect(label.classList.contains('sr-only')).to.be.true;
    expect(label.textContent).to.include('Connected');
    expect($(el, '[part="base"]')!.getAttribute('title')).to.include('Connected');
    await expect(el).to.be.accessible();
  });

  it("follows the client's connection, announces changes politely and fires rt-status-change", async () => {
    const client = memory();
    const el = await mount<RtConnectionStatus>(client, html`<rt-connection-status></rt-connection-status>`, 'rt-connection-status');
    expect($(el, '[part="label"]')!.textContent).to.equal('Connected');
    const region = $(el, '[role="status"]')!;
    expect(region.getAttribute('aria-live')).to.equal('polite');
    expect(region.textContent!.trim()).to.equal('');
    const ev = oneEvent(el, 'rt-status-change');
    client.setConnection({ status: 'disconnected' });
    const e = await ev;
    expect(e.detail.status).to.equal('disconnected');
    expect(e.detail.previous).to.equal('connected');
    await settle(el);
    expect($(el, '[part="label"]')!.textContent).to.equal('Disconnected');
    expect(region.textContent).to.equal('Realtime connection: Disconnected');
    // a re-render without a status change does not re-announce anything new
    client.setConnection({ latencyMs: 99 });
    await settle(el);
    expect(region.textContent).to.equal('Realtime connection: Disconnected');
  });

  it('within one status, new words are said too: "Connection error", then its cause found to be the configuration; one rt-status-change', async () => {
    const client = memory();
    const el = await mount<RtConnectionStatus>(client, html`<rt-connection-status></rt-connection-status>`, 'rt-connection-status');
    const region = () => $(el, '[role="status"]')!.textContent!.trim();
    const events: string[] = [];
    el.addEventListener('rt-status-change', (e) => events.push((e as CustomEvent<{ status: string }>).detail.status));
    client.setConnection({ status: 'error', lastError: { code: 'network', message: 'socket closed' } });
    await settle(el);
    await waitUntil(() => region() === 'Realtime connection: Connection error', 'the socket error said', { timeout: 5000 });
    client.setConnection({ status: 'error', lastError: { code: 'bad-config', message: 'The API key was rejected: Invalid API key' } });
    await settle(el);
    expect($(el, '[part="label"]')!.textContent).to.equal('Configuration error');
    await waitUntil(() => region() === 'Realtime connection: Configuration error', `the new words said (region: ${region()})`, { timeout: 5000 });
    expect(events).to.deep.equal(['error']);
  });

  it('moved out of its provider and back, it says the status again: its region never holds words the badge contradicts; a second indicator that stays quiet holds none (QA83 F2)', async () => {
    const client = memory();
    const el = await mount<RtConnectionStatus>(client, html`<rt-connection-status></rt-connection-status>`, 'rt-connection-status');
    const provider = el.parentElement!;
    const region = () => $(el, '[role="status"]')!.textContent!.trim();
    client.setConnection({ status: 'disconnected' });
    await settle(el);
    expect(region()).to.equal('Realtime connection: Disconnected');
    // A framework re-parents it: out of every provider (no client), then back.
    document.body.append(el);
    await settle(el);
    expect(region()).to.not.equal('Realtime connection: Disconnected');
    provider.append(el);
    await settle(el);
    expect($(el, '[part="label"]')!.textContent).to.equal('Disconnected');
    expect(region(), 'said again').to.equal('Realtime connection: Disconnected');
    // A second indicator of the same client, hearing the page told already, stays quiet and holds nothing stale.
    const other = document.createElement('rt-connection-status');
    provider.append(other);
    await settle(other);
    client.setConnection({ status: 'connected' });
    await settle(el);
    await settle(other);
    // (said at the end of the second after its last words: the announcer's window)
    await waitUntil(() => region() === 'Realtime connection: Connected', `said: ${region()}`, { timeout: 5000 });
    expect(other.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim(), 'heard once, from the first').to.equal('');
    el.remove();
    other.remove();
  });

  it('label="…": the button and the announcement of a change both say it (QA53 F3: two indicators were announced alike)', async () => {
    const client = memory();
    const el = await mount<RtConnectionStatus>(client, html`<rt-connection-status label="Orders feed"></rt-connection-status>`, 'rt-connection-status');
    expect($(el, 'button[part="base"]')!.getAttribute('aria-label')).to.equal('Orders feed: Connected');
    const ev = oneEvent(el, 'rt-status-change');
    client.setConnection({ status: 'disconnected' });
    await ev;
    await settle(el);
    expect($(el, '[role="status"]')!.textContent).to.equal('Orders feed: Disconnected');
  });

  it('size="xl" (none of sm, md, lg) draws md and says so once on the console (QA53 F4)', async () => {
    const log = recordWarnings();
    try {
      const el = await mount<RtConnectionStatus>(memory(), html`<rt-connection-status size="xl" status="connected"></rt-connection-status>`, 'rt-connection-status');
      el.requestUpdate();
      await settle(el);
      expect(log.warnings.filter((w) => w.includes('size="xl"'))).to.deep.equal(['rt-monitor: <rt-connection-status> size="xl" is none of sm, md, lg; using md.']);
    } finally {
      log.restore();
    }
  });

  it('opens a details panel with latency, retry countdown and last error', async () => {
    const client = memory({
      connection: {
        status: 'connecting',
        latencyMs: 42,
        attempt: 3,
        nextRetryAt: Date.now() + 5000,
        lastError: { code: 'network', message: 'socket closed' },
      },
    });
    const el = await mount<RtConnectionStatus>(client, html`<rt-connection-status></rt-connection-status>`, 'rt-connection-status');
    const button = $(el, 'button[part="base"]')!;
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    const panel = $(el, '[part="panel"]')!;
    expect(panel.matches(':popover-open')).to.be.false;
    button.click();
    await settle(el);
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    expect(panel.matches(':popover-open')).to.be.true;
    const r = panel.getBoundingClientRect();
    expect(r.left).to.be.at.least(0);
    expect(r.right).to.be.at.most(window.innerWidth);
    expect(panel.textContent).to.include('42 ms');
    expect(panel.textContent).to.match(/Retrying in \d seconds/);
    expect(panel.textContent).to.include('Attempt 3');
    expect(panel.textContent).to.include('socket closed');
    await expect(el).to.be.accessible();
    button.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    await settle(el);
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    expect(panel.matches(':popover-open')).to.be.false;
  });

  it('fires rt-error when the connection errors', async () => {
    const client = memory();
    const el = await mount<RtConnectionStatus>(client, html`<rt-connection-status></rt-connection-status>`, 'rt-connection-status');
    const ev = oneEvent(el, 'rt-error');
    client.setConnection({ status: 'error', lastError: { code: 'unauthorized', message: 'jwt expired' } });
    const e = await ev;
    expect(e.detail.error.code).to.equal('unauthorized');
    await settle(el);
    expect(text(el)).to.include('Connection error');
    await expect(el).to.be.accessible();
  });

  it('takes colours from custom properties', async () => {
    const el = await mount<RtConnectionStatus>(
      memory(),
      html`<rt-connection-status status="connected" style="--rt-connection-status-background: rgb(1, 2, 3)"></rt-connection-status>`,
      'rt-connection-status',
    );
    expect(getComputedStyle($(el, '[part="base"]')!).backgroundColor).to.equal('rgb(1, 2, 3)');
  });

  it('dark theme changes the badge colours and stays accessible', async () => {
    const light = await mount<RtConnectionStatus>(memory(), html`<rt-connection-status theme="light" status="connected"></rt-connection-status>`, 'rt-connection-status');
    const dark = await mount<RtConnectionStatus>(memory(), html`<rt-connection-status theme="dark" status="connected"></rt-connection-status>`, 'rt-connection-status');
    const color = (el: Element) => getComputedStyle($(el, '[part="base"]')!).color;
    expect(color(light)).not.to.equal(color(dark));
    await expect(dark).to.be.accessible();
  });

  it('with no client yet reads "Waiting for configuration", not "Connecting" (nothing is); then the client\'s status, or "not configured" once the wait is over (QA83 F4)', async function () {
    this.timeout(30_000);
    const before = getDefaultClient();
    const wait = ClientController.noClientTimeoutMs;
    setDefaultClient(null);
    try {
      ClientController.noClientTimeoutMs = 60_000;
      const box = await fixture<HTMLElement>(html`<div><rt-connection-status></rt-connection-status><rt-diagnostics></rt-diagnostics></div>`);
      const status = box.querySelector<RtConnectionStatus>('rt-connection-status')!;
      const diagnostics = box.querySelector('rt-diagnostics')!;
      await settle(status);
      await settle(diagnostics);
      expect($(status, '[part="label"]')!.textContent).to.equal('Waiting for configuration');
      expect(text(diagnostics)).to.include('Waiting for configuration').and.not.include('Connecting');
      await expect(status).to.be.accessible();
      // The page configures rt-monitor after its own sign-in: the client's status.
      setDefaultClient(memory());
      await waitUntil(() => $(status, '[part="label"]')!.textContent === 'Connected', 'the client configured');
      await settle(diagnostics);
      expect(text(diagnostics)).to.not.include('Waiting for configuration');
      // Never configured: "not configured" once the wait is over, not "Waiting" for good.
      setDefaultClient(null);
      ClientController.noClientTimeoutMs = 300;
      const late = await fixture<HTMLElement>(html`<rt-connection-status></rt-connection-status>`);
      await waitUntil(() => $(late, '[part="label"]')?.textContent === 'Configuration error', 'not configured after the wait', { timeout: 10_000 });
      expect(text(late)).to.include('not configured').and.include('RtMonitor.configure').and.not.include('Waiting');
    } finally {
      ClientController.noClientTimeoutMs = wait;
      setDefaultClient(before ?? null);
    }
  });
});
