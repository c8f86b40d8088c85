/**
 * A row whose name is NULL (QA28 L4): each element with a name or title heading shows its own
 * placeholder — "Stream", "Acquisition scan", "Agent", "Unnamed business", "Untitled" — never a
 * blank heading nor "—" (docs/elements.md, Safety: the placeholder is also the progress bar's
 * accessible name, and is translated). `<rt-live-list label-field>` is the one "—" (documented there).
 */
import { expect, html } from '@open-wc/testing';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-scan-progress/rt-scan-progress.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import { $, ALICE, ago, memory, mount, waitForText } from './helpers.js';

function seeded() {
  const client = memory();
  client.setRows('streams', [{ id: 's1', name: null as never, goal_status: 'in_progress', current_progress: { percentage: 40, completed: 4, total: 10 } }]);
  client.setRows('acquisition_scans', [{ id: 'sc1', user_id: ALICE, name: null as never, status: 'running', progress_percentage: 30 }]);
  client.setRows('agent_executions', [{ id: 'e1', stream_id: 's1', agent_id: null as never, status: 'running', started_at: ago(1000) }]);
  client.setRows('signal_alerts', [{ id: 'a1', user_id: ALICE, business_name: null as never, signal_type: 'funding', priority: 'high', read: false, created_at: ago(1000) }]);
  client.setRows('notifications', [{ id: 'n1', user_id: ALICE, title: null as never, body: 'b', type: 'info', read: false, created_at: ago(1000) }]);
  return client;
}

describe('a NULL name shows the element\'s placeholder name (QA28 L4)', () => {
  const cases = [
    ['rt-stream-card', html`<rt-stream-card stream-id="s1"></rt-stream-card>`, 'Stream', '40%'],
    ['rt-stream-progress', html`<rt-stream-progress stream-id="s1"></rt-stream-progress>`, 'Stream', '40%'],
    ['rt-scan-progress', html`<rt-scan-progress scan-id="sc1"></rt-scan-progress>`, 'Acquisition scan', '30%'],
    ['rt-agent-executions', html`<rt-agent-executions stream-id="s1"></rt-agent-executions>`, 'Agent', 'Running now'],
    ['rt-signal-alerts', html`<rt-signal-alerts></rt-signal-alerts>`, 'Unnamed business', 'funding'],
    ['rt-notifications', html`<rt-notifications></rt-notifications>`, 'Untitled', 'b'],
  ] as const;
  for (const [tag, template, placeholder, ready] of cases) {
    it(`${tag}: "${placeholder}"`, async () => {
      const el = await mount<HTMLElement>(seeded(), template, tag);
      await waitForText(el, ready);
      const label = $(el, '[part~="label"], [part~="agent"], [part~="business"], [part~="title"]');
      expect(label, `${tag} has a name part`).to.not.equal(null);
      // (a notification's title part starts with its visually hidden state: "Unread: Info: ")
      expect(label!.textContent!.trim()).to.match(new RegExp(`(^|: )${placeholder}$`));
      const bar = $(el, '[role="progressbar"]');
      if (bar) expect(bar.getAttribute('aria-label')).to.include(placeholder);
    });
  }
});
