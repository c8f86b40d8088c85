/**
 * A mistake in the `tables` / `columns` mapping (QA28 M1: `{"streams":{"nmae":"title"}}` showed
 * the placeholder name under "Live"): a configuration error on every widget, naming the entry,
 * whichever way the mapping is given — provider attribute or property, `configure()`, or the
 * script tag's `data-columns` (read by optionsOfScript, then configured as src/cdn/install.ts does).
 * Refused before any request: no backend needed.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import { configure, setDefaultClient } from '../../src/core/default-client.js';
import { optionsOfScript } from '../../src/internal/script-config.js';
import { text, waitForText } from './helpers.js';

const URL_ = 'http://127.0.0.1:9'; // never asked: the mapping is refused first
const TYPO = { streams: { org_id: 'team', nmae: 'title' } };
const ENTRY = 'columns.streams.nmae';

/** Both widgets show a configuration error naming `needle`, and neither reads "Live". */
async function bothSay(root: Element, needle: string): Promise<void> {
  for (const el of [root.querySelector('rt-stream-progress')!, root.querySelector('rt-notifications')!]) {
    await waitForText(el, needle);
    expect(el.shadowRoot!.querySelector('[part~="error-detail"]')?.textContent, el.localName).to.include(needle);
    expect(text(el)).to.not.include('Live');
  }
}

describe('a bad `tables` / `columns` entry is a configuration error on every widget, naming it (QA28 M1)', () => {
  afterEach(() => setDefaultClient(null));

  it('provider attribute', async () => {
    const root = await fixture(html`<rt-provider supabase-url=${URL_} anon-key="anon" tables='{"streams":"qa_streams"}' columns=${JSON.stringify(TYPO)}>
      <rt-stream-progress stream-id="42"></rt-stream-progress><rt-notifications></rt-notifications></rt-provider>`);
    await bothSay(root, ENTRY);
    expect(text(root.querySelector('rt-stream-progress')!)).to.include('name, goal_status, current_progress'); // what it reads
  });

  it('provider property, and other entries: an unknown table in columns, a value that is not a name', async () => {
    const cases: Array<[object, string]> = [
      [TYPO, ENTRY],
      [{ stream: { name: 'title' } }, '(columns.stream)'],
      [{ streams: { name: 42 } }, 'columns.streams.name: "42" is not a column name'],
      [{ streams: { name: 'title', goal_status: 'title' } }, '"title" would be read as both name and goal_status'],
    ];
    for (const [columns, needle] of cases) {
      const root = await fixture(html`<rt-provider supabase-url=${URL_} anon-key="anon" .columns=${columns}>
        <rt-stream-progress stream-id="00000000-0000-4000-a000-000000000001"></rt-stream-progress><rt-notifications></rt-notifications></rt-provider>`);
      await bothSay(root, needle);
    }
  });

  it('configure(), and the script tag\'s data-columns', async () => {
    configure({ url: URL_, anonKey: 'anon', tables: { streams: 'qa_streams' }, columns: TYPO });
    const root = await fixture(html`<div><rt-stream-progress stream-id="42"></rt-stream-progress><rt-notifications></rt-notifications></div>`);
    await bothSay(root, ENTRY);
    setDefaultClient(null);

    const tag = document.createElement('script');
    tag.dataset.supabaseUrl = URL_;
    tag.dataset.anonKey = 'anon';
    tag.dataset.tables = '{"streams":"qa_streams"}';
    tag.dataset.columns = JSON.stringify(TYPO);
    configure(optionsOfScript(tag)!);
    const again = await fixture(html`<div><rt-stream-progress stream-id="43"></rt-stream-progress><rt-notifications></rt-notifications></div>`);
    await bothSay(again, ENTRY);
  });
});
