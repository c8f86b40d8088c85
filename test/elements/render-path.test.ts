/**
 * The render path's contracts (issue "One frame from socket to paint"), counted in frames and
 * renders, never timed:
 * - a change delivered before frame k is painted in frame k, for a standalone element and for a
 *   card inside the dashboard alike (one coalescing point);
 * - relative times tick by changing their text only: the element does not re-render;
 * - an element out of view keeps its data current but does not render until it is seen;
 * - no animation runs while nothing changes;
 * - tokens are declared once per widget tree: a dashboard's cards inherit them.
 */
import { expect, html } from '@open-wc/testing';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import type { RtStreamCard } from '../../src/elements/rt-stream-card/rt-stream-card.js';
import { ALICE, ORG, ago, memory, mount, settle, frame, visibleText } from './helpers.js';
import { waitFor } from '../helpers/backend.js';
import { RtElement } from '../../src/internal/rt-element.js';

/** Resolves after the next frame has been painted (rAF, then the task after it). */
const afterPaint = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));

const shadowText = (el: Element) => (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ');

/** Counts renders of `el` (its `render()` calls). */
function countRenders(el: Element): { readonly n: number } {
  const target = el as unknown as { render: () => unknown };
  const original = target.render.bind(target);
  const counter = { n: 0 };
  target.render = () => {
    counter.n++;
    return original();
  };
  return counter;
}

/** Painted frames until `check()` holds (checked after each paint). */
async function framesUntil(check: () => boolean, max = 10): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await afterPaint();
    if (check()) return i;
  }
  return Infinity;
}

function seeded() {
  const client = memory();
  client.setRows('streams', [
    { id: 's1', org_id: ORG, name: 'Frame test', goal_status: 'in_progress', current_progress: { percentage: 10, completed: 1, total: 10 } },
    { id: 's2', org_id: ORG, name: 'Second', goal_status: 'in_progress', current_progress: { percentage: 20, completed: 2, total: 10 } },
  ]);
  return client;
}

/** A stream card for s1 below four screens of blank page: off screen, after its first render. */
async function offscreenCard(client: ReturnType<typeof seeded>): Promise<RtStreamCard> {
  const wrapper = await mount<HTMLElement>(
    client,
    html`<div><div style="height: 400vh"></div><rt-stream-card stream-id="s1"></rt-stream-card></div>`,
    'div',
  );
  const card = wrapper.querySelector('rt-stream-card') as RtStreamCard;
  await waitFor(() => card.matches(':state(offscreen)') && card.hasUpdated, 3000, 'off screen');
  return card;
}

describe('render path', () => {
  const defaultInterval = RtElement.offscreenRenderIntervalMs;
  afterEach(() => (RtElement.offscreenRenderIntervalMs = defaultInterval));
  it('a change is painted in the first frame after it arrives: standalone card and dashboard card alike', async () => {
    const client = seeded();
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div>
        <rt-stream-card stream-id="s1"></rt-stream-card>
        <rt-monitoring-dashboard org-id=${ORG} user-id=${ALICE}></rt-monitoring-dashboard>
      </div>`,
      'div',
    );
    const card = wrapper.querySelector('rt-stream-card')!;
    const dashboard = wrapper.querySelector('rt-monitoring-dashboard')!;
    const dashCard = () =>
      [...(dashboard.shadowRoot?.querySelectorAll('rt-stream-card') ?? [])].find((c) => shadowText(c).includes('Frame test')) as RtStreamCard | undefined;
    await waitFor(() => shadowText(card).includes('10%') && dashCard() && shadowText(dashCard()!).includes('10%'), 3000, 'first render');
    await settle(card);
    for (const pct of [37, 64, 91]) {
      await afterPaint(); // start from an idle moment between frames
      client.update('streams', { id: 's1', current_progress: { percentage: pct, completed: pct / 10, total: 10 } });
      const standalone = framesUntil(() => shadowText(card).includes(`${pct}%`));
      const inDashboard = framesUntil(() => shadowText(dashCard()!).includes(`${pct}%`));
      const [a, b] = await Promise.all([standalone, inDashboard]);
      expect(a, `standalone card painted ${pct}% after ${a} frames`).to.equal(1);
      expect(b, `dashboard card painted ${pct}% after ${b} frames`).to.equal(1);
    }
  });

  it('relative times change their text without re-rendering the element', async () => {
    const client = memory();
    client.setRows('streams', [{ id: 's1', org_id: ORG, name: 'Ticking', goal_status: 'in_progress', updated_at: ago(8500) }]);
    const el = await mount<RtStreamCard>(client, html`<rt-stream-card stream-id="s1"></rt-stream-card>`, 'rt-stream-card');
    await waitFor(() => /Updated \d+ seconds? ago|Updated just now/.test(shadowText(el)), 3000, 'updated text');
    await settle(el);
    const renders = countRenders(el);
    const before = el.shadowRoot!.querySelector('[part~="updated"] time')!.textContent;
    // The next step is at 10 s, or 10 s after that if the first passed while mounting.
    await waitFor(() => el.shadowRoot!.querySelector('[part~="updated"] time')!.textContent !== before, 12_000, 'the text ticks');
    expect(renders.n).to.equal(0);
  });

  it('an element out of view keeps its data but does not render each change; it renders when seen', async () => {
    const interval = RtElement.offscreenRenderIntervalMs;
    RtElement.offscreenRenderIntervalMs = 60_000; // no catch-up render during this test
    const client = seeded();
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div><div style="height: 400vh"></div><rt-stream-card stream-id="s1"></rt-stream-card></div>`,
      'div',
    );
    const card = wrapper.querySelector('rt-stream-card') as RtStreamCard;
    await waitFor(() => card.matches(':state(offscreen)'), 3000, 'known to be off screen');
    await waitFor(() => card.hasUpdated, 3000, 'first render');
    const renders = countRenders(card);
    client.update('streams', { id: 's1', current_progress: { percentage: 77, completed: 7, total: 10 } });
    for (let i = 0; i < 5; i++) await afterPaint();
    expect(renders.n).to.equal(0);
    // What is drawn; not its live region, which says a milestone on time even off screen (and did
    // only when no other test's widget had claimed that milestone of "s1" in the last 30 s).
    expect(visibleText(card)).to.not.include('77%');
    card.scrollIntoView();
    await waitFor(() => visibleText(card).includes('77%'), 3000, 'rendered once seen');
    expect(renders.n).to.be.at.least(1);
    window.scrollTo(0, 0);
    RtElement.offscreenRenderIntervalMs = interval;
  });

  it('a relative time out of view does not tick; it catches up once seen, without a re-render', async () => {
    const client = memory();
    const updatedAt = Date.now() - 6000; // 4 s before the 10 s step: room to mount on a busy machine
    client.setRows('streams', [{ id: 's1', org_id: ORG, name: 'Parked', goal_status: 'in_progress', updated_at: new Date(updatedAt).toISOString() }]);
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div><div style="height: 400vh"></div><rt-stream-card stream-id="s1"></rt-stream-card></div>`,
      'div',
    );
    const card = wrapper.querySelector('rt-stream-card') as RtStreamCard;
    await waitFor(() => card.matches(':state(offscreen)') && /Updated just now/.test(shadowText(card)), 3000, 'off screen, just now');
    const timeText = () => card.shadowRoot!.querySelector('[part~="updated"] time')!.textContent;
    // Past the 10 s step: in view it would read "10 seconds ago"; out of view the text is left alone.
    await waitFor(() => Date.now() - updatedAt > 11_500, 8000, 'the step passed');
    expect(timeText()).to.equal('Updated just now');
    const renders = countRenders(card);
    card.scrollIntoView();
    await waitFor(() => /Updated 10 seconds ago/.test(timeText() ?? ''), 3000, 'caught up once seen');
    expect(renders.n).to.equal(0);
    window.scrollTo(0, 0);
  });

  it('an element out of view still catches up (screen readers and find-in-page read its DOM)', async () => {
    const client = seeded();
    const card = await offscreenCard(client);
    for (const pct of [41, 42, 43]) client.update('streams', { id: 's1', current_progress: { percentage: pct, completed: pct, total: 100 } });
    await waitFor(() => shadowText(card).includes('43%'), 5000, 'caught up without being seen');
  });

  it('an element out of view catches up when the wall clock is set back (QA71 F1: frozen "Live" for as long as the jump)', async () => {
    const client = seeded();
    const card = await offscreenCard(client);
    client.update('streams', { id: 's1', current_progress: { percentage: 44, completed: 44, total: 100 } });
    await waitFor(() => shadowText(card).includes('44%'), 5000, 'caught up once');
    const realNow = Date.now;
    const back = realNow() - 180_000;
    const since = realNow();
    Date.now = () => back + (realNow() - since); // the page's clock set back three minutes
    try {
      for (const pct of [45, 46]) client.update('streams', { id: 's1', current_progress: { percentage: pct, completed: pct, total: 100 } });
      await waitFor(() => shadowText(card).includes('46%'), 10_000, () => `caught up after the jump (shows ${shadowText(card).match(/\d+%/)?.[0]})`);
    } finally {
      Date.now = realNow;
    }
  });

  it('an element out of view renders its phase at once: no "Live" badge in its DOM once it is not live (QA71 F2)', async () => {
    RtElement.offscreenRenderIntervalMs = 60_000; // no catch-up render during this test
    const client = seeded();
    const card = await offscreenCard(client);
    const badge = () => card.shadowRoot!.querySelector('[part~="live-badge"]')?.textContent?.trim();
    await waitFor(() => badge() === 'Live', 5000, 'Live');
    client.setConnection({ status: 'disconnected' });
    await waitFor(() => !card.matches(':state(live)'), 5000, 'its state off Live');
    await waitFor(() => badge() !== 'Live', 5000, () => `its badge off Live (reads ${badge()})`);
    client.setConnection({ status: 'connected' });
  });

  it('a bar out of view moves without a transition (catch-up renders are a second apart; nobody sees it)', async () => {
    // Catch-up renders further apart than the bar's "streaming" window (1 s): each is a lone change.
    RtElement.offscreenRenderIntervalMs = 1500;
    const client = seeded();
    const card = await offscreenCard(client);
    client.update('streams', { id: 's1', current_progress: { percentage: 64, completed: 64, total: 100 } });
    await waitFor(() => shadowText(card).includes('64%'), 5000, 'caught up');
    const indicator = card.shadowRoot!.querySelector('[part~="indicator"]')!;
    // A lone change a second after the last one: in view it would animate (the test above).
    expect(indicator.hasAttribute('data-instant')).to.equal(false);
    expect(getComputedStyle(indicator).transitionDuration).to.equal('0s');
    expect(card.shadowRoot!.getAnimations().filter((a) => a.playState === 'running')).to.have.length(0);
  });

  it('no animation runs while nothing changes (live cards, alerts, agents)', async () => {
    const client = seeded();
    client.setRows('agent_executions', [{ id: 'e1', stream_id: 's1', agent_id: 'researcher', status: 'running', started_at: ago(5000) }]);
    client.setRows('signal_alerts', [{ id: 'a1', user_id: ALICE, business_name: 'Acme', signal_type: 'funding', priority: 'high' }]);
    const wrapper = await mount<HTMLElement>(
      client,
      html`<div>
        <rt-stream-card stream-id="s1"></rt-stream-card>
        <rt-stream-progress stream-id="s2"></rt-stream-progress>
        <rt-agent-executions stream-id="s1"></rt-agent-executions>
        <rt-signal-alerts></rt-signal-alerts>
      </div>`,
      'div',
    );
    const els = [...wrapper.children];
    await waitFor(() => els.every((e) => shadowText(e).includes('Live')), 3000, 'live');
    const running = () => els.flatMap((e) => e.shadowRoot!.getAnimations().filter((a) => a.playState === 'running'));
    // Transitions of the first values end; then nothing moves.
    await waitFor(() => running().length === 0, 3000, 'no running animations');
    for (let i = 0; i < 3; i++) await frame();
    expect(running().length).to.equal(0);
  });

  it('a bar moves without a transition while values stream in (changes under a second apart)', async () => {
    const client = seeded();
    const el = await mount<RtStreamCard>(client, html`<rt-stream-card stream-id="s1"></rt-stream-card>`, 'rt-stream-card');
    await waitFor(() => shadowText(el).includes('10%'), 3000, 'first value');
    const indicator = () => el.shadowRoot!.querySelector('[part~="indicator"]')!;
    client.update('streams', { id: 's1', current_progress: { percentage: 30, completed: 3, total: 10 } });
    await waitFor(() => shadowText(el).includes('30%'), 3000, 'second value');
    client.update('streams', { id: 's1', current_progress: { percentage: 50, completed: 5, total: 10 } });
    await waitFor(() => shadowText(el).includes('50%'), 3000, 'third value');
    expect(indicator().hasAttribute('data-instant')).to.equal(true);
    expect(getComputedStyle(indicator()).transitionDuration).to.equal('0s');
  });

  it("tokens are declared once per widget tree: the dashboard's cards inherit them (and overrides still apply)", async () => {
    const client = seeded();
    const dashboard = await mount<HTMLElement>(client, html`<rt-monitoring-dashboard org-id=${ORG} user-id=${ALICE}></rt-monitoring-dashboard>`, 'rt-monitoring-dashboard');
    await waitFor(() => !!dashboard.shadowRoot?.querySelector('rt-stream-card'), 3000, 'cards');
    const card = dashboard.shadowRoot!.querySelector('rt-stream-card')!;
    await settle(card);
    expect(card.matches(':state(nested)')).to.equal(true);
    expect(dashboard.matches(':state(nested)')).to.equal(false);
    dashboard.style.setProperty('--rt-color-primary', 'rgb(1, 2, 3)');
    dashboard.style.setProperty('--rt-color-info', 'rgb(1, 2, 3)');
    await frame();
    expect(getComputedStyle(card).getPropertyValue('--_color-primary').trim()).to.equal('rgb(1, 2, 3)');
  });
});
