import { expect, html } from '@open-wc/testing';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import type { RtStreamCard } from '../../src/elements/rt-stream-card/rt-stream-card.js';
import type { Stream } from '../../src/core/types.js';
import { rtError } from '../../src/core/errors.js';
import { $, ago, badgeText, HOSTILE, memory, mount, settle, text, waitForText } from './helpers.js';

function seeded() {
  const client = memory();
  client.setRows('streams', [
    { id: 's1', name: 'Q3 outbound', goal_status: 'in_progress', current_progress: { percentage: 55, completed: 11, total: 20 } },
  ]);
  client.setRows('agent_executions', [
    { id: 'e1', stream_id: 's1', agent_id: 'researcher', status: 'running', started_at: ago(30_000) },
    { id: 'e2', stream_id: 's1', agent_id: 'writer', status: 'running', started_at: ago(10_000) },
    { id: 'e3', stream_id: 's1', agent_id: 'scorer', status: 'completed', started_at: ago(90_000), completed_at: ago(60_000) },
    { id: 'e4', stream_id: 'other', agent_id: 'x', status: 'running', started_at: ago(1000) },
  ]);
  return client;
}

describe('rt-stream-card', () => {
  it('live: progress, status, running agents count, live badge, last update', async () => {
    const el = await mount<RtStreamCard>(seeded(), html`<rt-stream-card stream-id="s1"></rt-stream-card>`, 'rt-stream-card');
    await waitForText(el, '2 running agents');
    const t = text(el);
    expect(t).to.include('Q3 outbound');
    expect(t).to.include('55%');
    expect(t).to.include('11 of 20');
    expect(t).to.include('In progress');
    expect(t).to.include('Live');
    expect(t).to.match(/Updated/);
    await expect(el).to.be.accessible();
  });

  it('counts agents live as they start and finish', async () => {
    const client = seeded();
    const el = await mount<RtStreamCard>(client, html`<rt-stream-card stream-id="s1"></rt-stream-card>`, 'rt-stream-card');
    await waitForText(el, '2 running agents');
    client.update('agent_executions', { id: 'e1', status: 'completed', completed_at: new Date().toISOString() });
    await waitForText(el, '1 running agent');
    client.insert('agent_executions', { id: 'e5', stream_id: 's1', agent_id: 'new', status: 'running', started_at: new Date().toISOString() });
    await waitForText(el, '2 running agents');
  });

  it('counts running agents beyond the list limit; "N+" only past PINNED_LIMIT (QA21 F1)', async () => {
    const client = seeded();
    const runs = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, stream_id: 's1', agent_id: `r${i}`, status: 'running' as const, created_at: ago(1000 * (i + 1)) }));
    client.setRows('agent_executions', runs(151));
    const el = await mount<RtStreamCard>(client, html`<rt-stream-card stream-id="s1"></rt-stream-card>`, 'rt-stream-card');
    await waitForText(el, '151 running agents');
    expect(text(el)).to.not.include('151+');
    const crowded = seeded();
    crowded.setRows('agent_executions', runs(1001));
    const past = await mount<RtStreamCard>(crowded, html`<rt-stream-card stream-id="s1"></rt-stream-card>`, 'rt-stream-card');
    await waitForText(past, '1,000+ running agents');
  });

  it('no running-agents figure while the executions cannot be read: not "0 running agents" (QA28 L3)', async () => {
    const client = seeded();
    const why = '"s1" is not a valid stream_id for agent_executions: its keys are UUIDs.';
    client.fail('agent_executions', rtError('bad-config', why));
    const el = await mount<RtStreamCard>(client, html`<rt-stream-card stream-id="s1"></rt-stream-card>`, 'rt-stream-card');
    await waitForText(el, 'Q3 outbound');
    await waitForText(el, '55%');
    await waitForText(el, 'Not live');
    expect(text(el)).to.include('keys are UUIDs'); // the badge's cause
    expect(text(el)).to.not.match(/running agent/);
    expect($(el, '[part~="agents"]')).to.equal(null);
    await expect(el).to.be.accessible();
    // Readable again: the figure is back, and Live.
    client.fail('agent_executions', null);
    await waitForText(el, '2 running agents');
    await waitForText(el, 'Live');
    expect(badgeText(el)).to.equal('Live');
  });

  it('can be fed a row by property (no own subscription needed)', async () => {
    const row = {
      id: 'fed', org_id: 'o', name: 'Fed stream', goal_status: 'paused',
      current_progress: { percentage: 20, completed: 2, total: 10 }, created_at: ago(1000), updated_at: ago(1000),
    } as Stream;
    const el = await mount<RtStreamCard>(memory(), html`<rt-stream-card .stream=${row} phase="live"></rt-stream-card>`, 'rt-stream-card');
    await waitForText(el, 'Fed stream');
    expect(text(el)).to.include('Paused');
    expect(text(el)).to.include('0 running agents');
    await expect(el).to.be.accessible();
  });

  it('links the name only for safe URLs', async () => {
    const el = await mount<RtStreamCard>(seeded(), html`<rt-stream-card stream-id="s1" href="/streams/s1"></rt-stream-card>`, 'rt-stream-card');
    await waitForText(el, 'Q3 outbound');
    expect($(el, 'a[part="link"]')!.getAttribute('href')).to.match(/\/streams\/s1$/);
    el.href = 'javascript:alert(1)';
    await settle(el); // the render for the new href has run
    expect(text(el)).to.include('Q3 outbound');
    expect($(el, 'a[part="link"]')).to.be.null;
  });

  it('loading, stale, error, not found and empty states', async () => {
    const held = seeded();
    held.hold('streams');
    const loading = await mount<RtStreamCard>(held, html`<rt-stream-card stream-id="s1"></rt-stream-card>`, 'rt-stream-card');
    expect($(loading, '[part="loading"]')).to.exist;
    await expect(loading).to.be.accessible();

    const client = seeded();
    const stale = await mount<RtStreamCard>(client, html`<rt-stream-card stream-id="s1"></rt-stream-card>`, 'rt-stream-card');
    await waitForText(stale, 'Live');
    client.setConnection({ status: 'disconnected' });
    await waitForText(stale, 'Stale');
    await expect(stale).to.be.accessible();

    const failing = seeded();
    failing.fail('streams', { code: 'forbidden', message: 'Not signed in', detail: 'not-signed-in' });
    const error = await mount<RtStreamCard>(failing, html`<rt-stream-card stream-id="s1"></rt-stream-card>`, 'rt-stream-card');
    await waitForText(error, 'not signed in');
    await expect(error).to.be.accessible();

    const missing = await mount<RtStreamCard>(seeded(), html`<rt-stream-card stream-id="zzz"></rt-stream-card>`, 'rt-stream-card');
    await waitForText(missing, 'Not found or no access');
    await expect(missing).to.be.accessible();

    const empty = await mount<RtStreamCard>(seeded(), html`<rt-stream-card></rt-stream-card>`, 'rt-stream-card');
    expect(text(empty)).to.include('No stream selected');
    const blank = await mount<RtStreamCard>(seeded(), html`<rt-stream-card stream-id="  "></rt-stream-card>`, 'rt-stream-card');
    await blank.updateComplete;
    expect(text(blank)).to.include('No stream selected');
    await expect(empty).to.be.accessible();
  });

  it('renders a hostile name inert', async () => {
    const client = memory();
    client.setRows('streams', [{ id: 'h', name: HOSTILE }]);
    const el = await mount<RtStreamCard>(client, html`<rt-stream-card stream-id="h"></rt-stream-card>`, 'rt-stream-card');
    await waitForText(el, HOSTILE);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
  });

  it('accent follows --rt-stream-card-accent', async () => {
    const el = await mount<RtStreamCard>(seeded(), html`<rt-stream-card stream-id="s1" style="--rt-stream-card-accent: rgb(9, 8, 7)"></rt-stream-card>`, 'rt-stream-card');
    await waitForText(el, 'Q3 outbound');
    expect(getComputedStyle($(el, '[part="base"]')!).borderTopColor).to.equal('rgb(9, 8, 7)');
  });

  it('its custom state follows its badge: not :state(live) while its agents are still read ("Connecting…") (QA88a F8)', async () => {
    const client = seeded();
    client.hold('agent_executions');
    const el = await mount<RtStreamCard>(client, html`<rt-stream-card stream-id="s1"></rt-stream-card>`, 'rt-stream-card');
    await waitForText(el, 'Q3 outbound');
    await settle(el);
    expect(badgeText(el)).to.equal('Connecting…');
    expect(el.matches(':state(live)'), ':state(live)').to.be.false;
    expect(el.matches(':state(connecting)'), ':state(connecting)').to.be.true;
    client.release('agent_executions');
    await waitForText(el, '2 running agents');
    await settle(el);
    expect(badgeText(el)).to.equal('Live');
    expect(el.matches(':state(live)')).to.be.true;
  });
});
