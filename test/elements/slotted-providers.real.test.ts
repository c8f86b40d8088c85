/**
 * A widget whose provider changes without the widget being moved (QA58 F1, F2): a component holds
 * the providers in its shadow root and shows its light-DOM children through slots. Re-slotting a
 * widget, moving the slot, or replacing the provider around the slot changes the provider its
 * context requests reach, yet nothing disconnects the widget. Before, it kept the first
 * provider's client: Alice's alerts, Live, in Bob's section; around a replaced provider, "The
 * <rt-provider> around this element has no Supabase client" for good. Real backend, real elements.
 */
import { expect } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import type { RtProvider } from '../../src/elements/rt-provider/rt-provider.js';
import { ClientController, NOT_CONFIGURED } from '../../src/controllers/client-controller.js';
import { en } from '../../src/internal/strings.js';
import { ALICE, BOB, USERS, backendInfo, insertRows, newStream, signIn, waitFor } from '../helpers/backend.js';
import { deepText } from './helpers.js';

let tokens: { alice: string; bob: string };
let info: Awaited<ReturnType<typeof backendInfo>>;
const hosts: HTMLElement[] = [];

before(async () => {
  info = await backendInfo();
  const [alice, bob] = await Promise.all([signIn(USERS.alice), signIn(USERS.bob)]);
  tokens = { alice, bob };
});
afterEach(() => {
  for (const h of hosts.splice(0)) h.remove();
});

function provider(who: 'alice' | 'bob', slotName?: string, attrs: Record<string, string> = {}): RtProvider {
  const p = document.createElement('rt-provider') as RtProvider;
  p.id = who;
  for (const [k, v] of Object.entries({ 'supabase-url': info.url, 'anon-key': info.anonKey, 'access-token': tokens[who], ...attrs })) p.setAttribute(k, v);
  const slot = document.createElement('slot');
  if (slotName) slot.name = slotName;
  p.append(slot);
  return p;
}

/** A component: providers in its shadow root, the widgets as its light-DOM children. */
function component(providers: RtProvider[], widgets: HTMLElement[]): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement('div');
  const root = host.attachShadow({ mode: 'open' });
  root.append(...providers);
  host.append(...widgets);
  document.body.append(host);
  hosts.push(host);
  return { host, root };
}

function widgets(slot?: string, streamId?: string) {
  const alerts = document.createElement('rt-signal-alerts');
  alerts.setAttribute('max-items', '20');
  const progress = document.createElement('rt-stream-progress');
  if (streamId) progress.setAttribute('stream-id', streamId);
  if (slot) for (const w of [alerts, progress]) w.slot = slot;
  return { alerts, progress };
}

const text = (el: Element) => deepText(el.shadowRoot!);
const live = (el: Element) => text(el).includes(en.live);
const alert = async (user: string, tag: string) => (await insertRows('signal_alerts', [{ user_id: user, business_name: tag, signal_type: 'hiring_surge', priority: 'high' }]))[0]!;

/** After the switch to Bob: his new alert arrives, and one of Alice's inserted before it never does. */
async function showsBobOnly(alerts: Element, label: string) {
  const tag = `${label}-${Date.now()}`;
  await alert(ALICE, `alice ${tag}`);
  await alert(BOB, `bob ${tag}`);
  await waitFor(() => text(alerts).includes(`bob ${tag}`) && live(alerts), 15_000, () => `${label}: Bob's alert (${text(alerts).slice(0, 200)})`);
  expect(text(alerts)).to.not.include(`alice ${tag}`);
  expect(text(alerts)).to.not.include('alice ');
}

describe('a widget whose provider changes without a move (slots; real backend)', function () {
  this.timeout(60_000);

  it('re-slotted from Alice’s provider into Bob’s: Bob’s data only, Alice’s stream no longer Live (QA58 F1)', async () => {
    const stream = await newStream({ name: 'alice only' });
    const mine = `alice first ${Date.now()}`;
    await alert(ALICE, mine);
    const { alerts, progress } = widgets('a', stream.id);
    component([provider('alice', 'a'), provider('bob', 'b')], [alerts, progress]);
    await waitFor(() => text(alerts).includes(mine) && live(alerts) && text(progress).includes('alice only') && live(progress), 15_000, 'Alice live');

    alerts.slot = 'b';
    progress.slot = 'b';
    await waitFor(() => !text(alerts).includes(mine), 15_000, () => `Alice's alert gone (${text(alerts).slice(0, 200)})`);
    await showsBobOnly(alerts, 'reslot');
    await waitFor(() => text(progress).includes(en.notFound), 15_000, () => `Alice's stream not Bob's (${text(progress).slice(0, 200)})`);
    expect(text(progress)).to.not.include('alice only');
  });

  it('the slot itself moved from Alice’s provider into Bob’s: the same (QA58 F1)', async () => {
    const mine = `alice slot ${Date.now()}`;
    await alert(ALICE, mine);
    const { alerts } = widgets('a');
    const [alice, bob] = [provider('alice', 'a'), provider('bob', 'b')];
    component([alice, bob], [alerts]);
    await waitFor(() => text(alerts).includes(mine) && live(alerts), 15_000, 'Alice live');
    bob.append(alice.querySelector('slot')!);
    await waitFor(() => !text(alerts).includes(mine), 15_000, () => `Alice's alert gone (${text(alerts).slice(0, 200)})`);
    await showsBobOnly(alerts, 'slot-moved');
  });

  it('the slot moved out of every provider: the page default or "not configured", never the old client', async () => {
    const mine = `alice out ${Date.now()}`;
    await alert(ALICE, mine);
    const { alerts } = widgets('a');
    const alice = provider('alice', 'a');
    const { root } = component([alice], [alerts]);
    await waitFor(() => text(alerts).includes(mine) && live(alerts), 15_000, 'Alice live');
    const wait = ClientController.noClientTimeoutMs;
    ClientController.noClientTimeoutMs = 300;
    try {
      root.append(alice.querySelector('slot')!);
      await waitFor(() => text(alerts).includes(NOT_CONFIGURED.message), 15_000, () => `not configured (${text(alerts).slice(0, 200)})`);
      expect(text(alerts)).to.not.include(mine);
    } finally {
      ClientController.noClientTimeoutMs = wait;
    }
  });

  for (const who of ['alice', 'bob'] as const) {
    it(`the provider around the slot replaced by another (${who === 'alice' ? 'the same user' : 'another user'}): the new one’s client, Live (QA58 F2)`, async () => {
      const mine = `alice swap ${Date.now()}`;
      await alert(ALICE, mine);
      const { alerts, progress } = widgets(undefined);
      const stream = await newStream({ name: 'swap stream' });
      progress.setAttribute('stream-id', stream.id);
      const { root } = component([provider('alice')], [alerts, progress]);
      await waitFor(() => text(alerts).includes(mine) && live(alerts) && live(progress), 15_000, 'Alice live');
      const next = provider(who);
      root.replaceChildren(next); // a template switching branch
      if (who === 'alice') {
        const again = `alice again ${Date.now()}`;
        await alert(ALICE, again);
        await waitFor(() => text(alerts).includes(again) && live(alerts) && live(progress), 15_000, () => `live on the new provider (${text(alerts).slice(0, 200)})`);
      } else {
        await showsBobOnly(alerts, 'swap');
        await waitFor(() => text(progress).includes(en.notFound), 15_000, () => `Alice's stream not Bob's (${text(progress).slice(0, 200)})`);
      }
      // Every request now goes to the new provider's client; the old one has none left.
      expect(next.rtClient!.getActiveSubscriptions().length).to.be.greaterThan(0);
    });
  }

  it('the provider around the slot removed altogether: "not configured", not "the provider has no client"', async () => {
    const { alerts } = widgets(undefined);
    const { root } = component([provider('alice')], [alerts]);
    await waitFor(() => live(alerts), 15_000, 'Alice live');
    const wait = ClientController.noClientTimeoutMs;
    ClientController.noClientTimeoutMs = 300;
    try {
      const bare = document.createElement('div');
      bare.append(document.createElement('slot'));
      root.replaceChildren(bare);
      await waitFor(() => text(alerts).includes(NOT_CONFIGURED.message), 15_000, () => `not configured (${text(alerts).slice(0, 200)})`);
    } finally {
      ClientController.noClientTimeoutMs = wait;
    }
  });

  it('re-slotted into a provider with its own theme and locale: takes them (QA58 F1, the other contexts)', async () => {
    const { alerts } = widgets('a');
    component([provider('alice', 'a'), provider('alice', 'b', { theme: 'dark', locale: 'fr' })], [alerts]);
    await waitFor(() => live(alerts), 15_000, 'live');
    expect(getComputedStyle(alerts).colorScheme).to.not.equal('dark');
    alerts.slot = 'b';
    // The French words arrive as a file of their own (the locale is French once they have).
    await waitFor(() => getComputedStyle(alerts).colorScheme === 'dark' && (alerts as unknown as { effectiveLocale: string }).effectiveLocale === 'fr', 10_000, 'dark, French');
  });

  it('slotted into its provider from the start: answered once, never asked again (no second subscription)', async () => {
    const { alerts } = widgets(undefined);
    let disconnects = 0;
    const own = alerts.disconnectedCallback.bind(alerts);
    alerts.disconnectedCallback = () => {
      disconnects++;
      own();
    };
    const { root } = component([provider('alice')], [alerts]);
    await waitFor(() => live(alerts), 15_000, 'live');
    // The slot's first assignment (a slotchange), and a slot added beside it, change nothing.
    root.firstElementChild!.append(document.createElement('slot'));
    await waitFor(() => live(alerts), 15_000, 'still live');
    expect(disconnects).to.equal(0);
  });
});
