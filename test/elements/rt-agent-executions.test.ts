import { expect, html, waitUntil } from '@open-wc/testing';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import type { RtAgentExecutions } from '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import { $, $$, ago, HOSTILE, memory, mount, text, waitForText } from './helpers.js';

function seeded() {
  const client = memory();
  client.setRows('agent_executions', [
    { id: 'r1', stream_id: 's1', agent_id: 'researcher', status: 'running', started_at: ago(65_000) },
    { id: 'q1', stream_id: 's1', agent_id: 'planner', status: 'queued' },
    { id: 'c1', stream_id: 's1', agent_id: 'scorer', status: 'completed', started_at: ago(300_000), completed_at: ago(240_000) },
    { id: 'f1', stream_id: 's1', agent_id: 'enricher', status: 'failed', started_at: ago(200_000), completed_at: ago(190_000), error: 'Rate limited' },
  ]);
  return client;
}

describe('rt-agent-executions', () => {
  it('running agents first with ticking elapsed time, then finished ones with outcome and duration', async () => {
    const el = await mount<RtAgentExecutions>(seeded(), html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, 'rt-agent-executions');
    await waitForText(el, 'researcher');
    const running = $(el, '[part="running"]')!;
    const recent = $(el, '[part="recent"]')!;
    const runningNames = Array.from(running.querySelectorAll('[part="agent"]')).map((n) => n.textContent!.trim());
    expect(runningNames).to.deep.equal(['researcher', 'planner']);
    const recentNames = Array.from(recent.querySelectorAll('[part="agent"]')).map((n) => n.textContent!.trim());
    expect(recentNames).to.deep.equal(['enricher', 'scorer']);
    expect(recent.textContent).to.include('Rate limited');
    expect(recent.textContent).to.match(/Duration: 1 min/);
    expect(recent.textContent).to.match(/Duration: 10 sec|Duration: 10 s/);
    const before = running.textContent!.match(/Elapsed: ([^\n]+)/)![1];
    await waitUntil(() => running.textContent!.match(/Elapsed: ([^\n]+)/)![1] !== before, 'elapsed did not tick', { timeout: 10_000 });
    expect($(el, '[part="header"]')!.textContent).to.include('1 running agent');
    await expect(el).to.be.accessible();
  });

  it('updates on INSERT, UPDATE and DELETE', async () => {
    const client = seeded();
    const el = await mount<RtAgentExecutions>(client, html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, 'rt-agent-executions');
    await waitForText(el, 'researcher');
    client.insert('agent_executions', { id: 'n1', stream_id: 's1', agent_id: 'newcomer', status: 'running', started_at: new Date().toISOString() });
    await waitForText(el, 'newcomer');
    expect($(el, '[role="status"]')!.textContent).to.include('newcomer started');
    client.update('agent_executions', { id: 'r1', status: 'completed', completed_at: new Date().toISOString() });
    await waitUntil(() => $(el, '[part="recent"]')!.textContent!.includes('researcher'), 'not moved to recent');
    client.remove('agent_executions', 'f1');
    await waitUntil(() => !text(el).includes('enricher'), 'not removed');
  });

  it('limits finished runs to max-items', async () => {
    const el = await mount<RtAgentExecutions>(seeded(), html`<rt-agent-executions stream-id="s1" max-items="1"></rt-agent-executions>`, 'rt-agent-executions');
    await waitForText(el, 'researcher');
    expect($$(el, '[part="recent"] [part="item"]').length).to.equal(1);
  });

  it('counts and lists every running agent beyond the list limit, "N+" only past PINNED_LIMIT; max-items above 100 enlarges the window (QA21 F1)', async () => {
    const runs = (stream: string, n: number, status: 'running' | 'completed') =>
      Array.from({ length: n }, (_, i) => ({ id: `${stream}-${status}-${i}`, stream_id: stream, agent_id: `${status}-${i}`, status, started_at: ago(60_000 * (i + 1)), completed_at: status === 'running' ? null : ago(1000 * (i + 1)), created_at: ago(1000 * (i + 1)) }));
    const client = memory();
    client.setRows('agent_executions', [...runs('s1', 151, 'running'), ...runs('s2', 1001, 'running'), ...runs('s3', 150, 'completed')]);
    const header = (el: Element) => $(el, '[part="header"]')!.textContent!.replace(/\s+/g, ' ');
    const el = await mount<RtAgentExecutions>(client, html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, 'rt-agent-executions');
    await waitForText(el, 'running-150');
    expect(header(el)).to.include('151 running agents');
    expect($$(el, '[part="running"] [part="item"]').length).to.equal(151);
    el.streamId = 's2';
    await waitUntil(() => header(el).includes('1,000+ running agents'), `a lower bound past PINNED_LIMIT: ${header(el)}`, { timeout: 5000 });
    el.streamId = 's3';
    el.maxItems = 120;
    await waitUntil(() => $$(el, '[part="recent"] [part="item"]').length === 120, 'max-items 120 of 150 finished runs', { timeout: 5000 });
  });

  it('empty, loading, error, stale, missing id', async () => {
    const empty = await mount<RtAgentExecutions>(memory(), html`<rt-agent-executions stream-id="s9"></rt-agent-executions>`, 'rt-agent-executions');
    await waitForText(empty, 'No agent activity yet');
    await expect(empty).to.be.accessible();

    const held = seeded();
    held.hold('agent_executions');
    const loading = await mount<RtAgentExecutions>(held, html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, 'rt-agent-executions');
    expect($(loading, '[part="loading"]')).to.exist;
    await expect(loading).to.be.accessible();

    const failing = seeded();
    failing.fail('agent_executions', { code: 'bad-config', message: 'x' });
    const error = await mount<RtAgentExecutions>(failing, html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, 'rt-agent-executions');
    await waitForText(error, 'configuration is invalid');
    await expect(error).to.be.accessible();

    const client = seeded();
    const stale = await mount<RtAgentExecutions>(client, html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, 'rt-agent-executions');
    await waitForText(stale, 'Live');
    client.setConnection({ status: 'disconnected' });
    await waitForText(stale, 'Stale');
    await expect(stale).to.be.accessible();

    const none = await mount<RtAgentExecutions>(memory(), html`<rt-agent-executions></rt-agent-executions>`, 'rt-agent-executions');
    expect(text(none)).to.include('No stream selected');
    const blank = await mount<RtAgentExecutions>(memory(), html`<rt-agent-executions stream-id=" "></rt-agent-executions>`, 'rt-agent-executions');
    await blank.updateComplete;
    expect(text(blank)).to.include('No stream selected');
  });

  it('renders hostile agent ids and unknown statuses sanely', async () => {
    const client = memory();
    client.setRows('agent_executions', [{ id: 'h', stream_id: 's1', agent_id: HOSTILE, status: 'zombie' as never, started_at: 'not a date' }]);
    const el = await mount<RtAgentExecutions>(client, html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, 'rt-agent-executions');
    await waitForText(el, HOSTILE);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect(text(el)).to.include('Unknown');
    expect(text(el)).to.include('Not started');
    expect(text(el), 'QA38: "Started: Not started"').to.not.include('Started: Not started');
    await expect(el).to.be.accessible();
  });
});
