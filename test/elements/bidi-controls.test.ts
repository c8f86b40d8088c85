/**
 * Bidi controls in database text (U+202A–202E, U+2066–2069) never reach what a widget renders: not
 * its text, not its attributes (aria-label, title, aria-valuetext). "invoice\u202Egnp.exe" would read
 * "invoiceexe.png" — a spoofed name, to the eye or to a screen reader. QA round 22 found them kept in
 * the progress bars' `aria-label` of every progress widget while the visible text was clean. Checked
 * here across every element that shows a row, in English (where rt-monitor adds no isolates itself).
 */
import { expect, html } from '@open-wc/testing';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-scan-progress/rt-scan-progress.js';
import '../../src/elements/rt-progress/rt-progress.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import '../../src/elements/rt-multi-connection-status/rt-multi-connection-status.js';
import { ALICE, ORG, ago, memory, mount, settle, waitForText } from './helpers.js';

const SPOOF = 'invoice\u202Egnp.exe \u2066x\u2069 \u202Ay\u202C';
const CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

/** Every text node and attribute value the widgets rendered (their shadow trees, nested ones too) that holds a bidi control. */
function controlsIn(widgets: Iterable<Element>): string[] {
  const found: string[] = [];
  const walk = (n: Node) => {
    if (n.nodeType === Node.TEXT_NODE && CONTROLS.test(n.textContent ?? '')) found.push(`text: ${JSON.stringify(n.textContent)}`);
    if (n instanceof Element) {
      for (const a of n.attributes) if (CONTROLS.test(a.value)) found.push(`<${n.localName} ${a.name}=${JSON.stringify(a.value)}>`);
      if (n.shadowRoot) walk(n.shadowRoot);
    }
    for (const c of n.childNodes) walk(c);
  };
  for (const w of widgets) walk(w.shadowRoot!);
  return found;
}

describe('bidi controls in database text are dropped everywhere a widget renders it (QA22 F8)', () => {
  it('every data widget, the dashboard and a page-given label: no bidi control in any text or attribute', async () => {
    const client = memory();
    client.setRows('streams', [{ id: 's1', org_id: ORG, name: SPOOF, goal_status: 'in_progress', current_progress: { percentage: 40, completed: 2, total: 5, current_step: SPOOF } }] as never);
    client.setRows('acquisition_scans', [{ id: 'sc1', user_id: ALICE, org_id: ORG, name: SPOOF, status: 'running', progress_percentage: 40, current_step: SPOOF }] as never);
    client.setRows('agent_executions', [{ id: 'a1', stream_id: 's1', agent_id: SPOOF, status: 'failed', error_message: SPOOF, started_at: ago(5000) }] as never);
    client.setRows('signal_alerts', [{ id: 'al1', user_id: ALICE, org_id: ORG, business_name: SPOOF, signal_type: SPOOF, priority: 'high', read: false, created_at: ago(1000) }] as never);
    client.setRows('notifications', [{ id: 'n1', user_id: ALICE, title: SPOOF, message: SPOOF, type: 'info', read: false, created_at: ago(1000) }] as never);
    const wrapper = await mount<HTMLElement>(client, html`<div>
      <rt-stream-progress stream-id="s1"></rt-stream-progress>
      <rt-stream-card stream-id="s1"></rt-stream-card>
      <rt-scan-progress scan-id="sc1"></rt-scan-progress>
      <rt-progress label=${SPOOF} percentage="30"></rt-progress>
      <rt-agent-executions stream-id="s1"></rt-agent-executions>
      <rt-signal-alerts></rt-signal-alerts>
      <rt-notifications></rt-notifications>
      <rt-monitoring-dashboard org-id=${ORG}></rt-monitoring-dashboard>
      <rt-multi-connection-status .subscriptions=${[{ name: SPOOF, status: 'connected' }]}></rt-multi-connection-status>
    </div>`, 'div');
    for (const el of wrapper.children) {
      // Each shows the name (its visible form, without the controls).
      if (el.localName !== 'rt-monitoring-dashboard') await waitForText(el, 'invoicegnp.exe');
      await settle(el);
    }
    const dashboard = wrapper.querySelector('rt-monitoring-dashboard')!;
    await waitForText(dashboard, 'invoicegnp.exe');
    await settle(dashboard);
    expect(controlsIn(wrapper.children)).to.deep.equal([]);
  });
});
