/**
 * Which client a widget inside an `<rt-provider>` uses when the page also has a default client
 * (`configure()`, the script tag's `data-*`) for another user (real backend). A provider with a
 * client source of its own (`access-token`, `supabase-url`, `anon-key`, `client`) but no client
 * keeps its widgets waiting, then "not configured": never the page default's rows (QA49 F2: Bob's
 * section showed Alice's alerts, Live). A provider that sets nothing of the client's passes on the
 * client around it: the page default at top level.
 */
import { expect, fixture, html } from '@open-wc/testing';
import '../../src/elements/rt-provider/rt-provider.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import { configure } from '../../src/core/default-client.js';
import { setDefaultClient } from '../../src/core/default-client-slot.js';
import { ClientController } from '../../src/controllers/client-controller.js';
import type { RtProvider } from '../../src/elements/rt-provider/rt-provider.js';
import { ALICE, BOB, USERS, backendInfo, clientFor, insertRows, signIn, waitFor } from '../helpers/backend.js';
import { badgeText, deepText } from './helpers.js';
import { everyFrame, readsWith } from '../helpers/hosts.js';

const marker = (who: string) => `provider-${who}-${crypto.randomUUID().slice(0, 8)}`;
async function alertFor(userId: string, name: string) {
  await insertRows('signal_alerts', [{ user_id: userId, business_name: name, signal_type: 'provider-source', priority: 'low' }] as never);
}
const textOf = (el: Element) => deepText(el.shadowRoot!);

/** Every text `el` showed, each frame, until `stop()`. */
const everyText = (el: Element) => everyFrame(() => textOf(el));

describe('a provider beside the page default client (real backend)', function () {
  this.timeout(40_000);
  const wait = ClientController.noClientTimeoutMs;
  afterEach(() => {
    ClientController.noClientTimeoutMs = wait;
    setDefaultClient(null);
  });

  it('an <rt-provider access-token=…> of another user with no URL: its widgets read "not configured", never the page default user\'s rows', async () => {
    ClientController.noClientTimeoutMs = 1500;
    const info = await backendInfo();
    configure({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice) });
    const alices = marker('alice');
    await alertFor(ALICE, alices);
    const bobToken = await signIn(USERS.bob);
    const root = await fixture(html`<div>
      <rt-signal-alerts id="page"></rt-signal-alerts>
      <rt-provider access-token=${bobToken}><rt-signal-alerts id="inside"></rt-signal-alerts></rt-provider>
    </div>`);
    const page = root.querySelector('#page')!;
    const inside = root.querySelector('#inside')!;
    const shown = everyText(inside);
    try {
      await waitFor(() => textOf(page).includes(alices), 15_000, "the page default's widget shows Alice's alert");
      await waitFor(() => /has no Supabase client/.test(textOf(inside) + (inside.shadowRoot!.querySelector('[title]')?.getAttribute('title') ?? '')), 10_000, `the provider's widget: not configured (shows ${textOf(inside)})`);
    } finally {
      shown.stop();
    }
    expect([...shown.seen].filter((t) => t.includes(alices))).to.deep.equal([]);
    expect(badgeText(inside)).to.not.equal('Live');
  });

  it("a provider with Bob's own client: its widget shows Bob's rows only, from its first frame", async () => {
    const info = await backendInfo();
    configure({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice) });
    const alices = marker('alice');
    const bobs = marker('bob');
    await alertFor(ALICE, alices);
    await alertFor(BOB, bobs);
    const bobToken = await signIn(USERS.bob);
    const root = await fixture(html`<div>
      <rt-signal-alerts id="page"></rt-signal-alerts>
      <rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${bobToken}><rt-signal-alerts id="inside"></rt-signal-alerts></rt-provider>
    </div>`);
    const inside = root.querySelector('#inside')!;
    const shown = everyText(inside);
    try {
      await waitFor(() => textOf(inside).includes(bobs) && badgeText(inside) === 'Live', 15_000, "Bob's alert, Live");
      await waitFor(() => textOf(root.querySelector('#page')!).includes(alices), 15_000, "the page widget shows Alice's alert");
    } finally {
      shown.stop();
    }
    expect([...shown.seen].filter((t) => t.includes(alices))).to.deep.equal([]);
  });

  it('a top-level <rt-provider locale="de"> (nothing of the client\'s) passes on the page default client: its widget is Live in German', async () => {
    const info = await backendInfo();
    configure({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice) });
    const alices = marker('alice');
    await alertFor(ALICE, alices);
    const root = await fixture(html`<rt-provider locale="de"><rt-signal-alerts></rt-signal-alerts></rt-provider>`);
    const el = root.querySelector('rt-signal-alerts')!;
    await waitFor(() => textOf(el).includes(alices) && badgeText(el) === 'Live', 15_000, "Alice's alert, Live");
    expect((el as unknown as { effectiveLocale: string }).effectiveLocale).to.equal('de');
  });

  /** Alice's page default client, an alert of hers; "not configured" comes after 1.5 s. */
  async function pageForAlice() {
    ClientController.noClientTimeoutMs = 1500;
    const info = await backendInfo();
    configure({ url: info.url, anonKey: info.anonKey, accessToken: await signIn(USERS.alice) });
    const alices = marker('alice');
    await alertFor(ALICE, alices);
    return { info, alices };
  }
  const notConfigured = (el: Element) => /has no Supabase client/.test(textOf(el) + (el.shadowRoot!.querySelector('[title]')?.getAttribute('title') ?? ''));

  for (const [what, make] of [
    ['access-token="" (a template\'s token not loaded yet)', () => html`<rt-provider access-token=""><rt-signal-alerts></rt-signal-alerts></rt-provider>`],
    ['.client=${null} (React client={supabase ?? null} while the app client loads)', () => html`<rt-provider .client=${null}><rt-signal-alerts></rt-signal-alerts></rt-provider>`],
    ['tables of its own and no client (a mapping only a client of its own could carry)', () => html`<rt-provider tables='{"signal_alerts":"no_such_alerts"}'><rt-signal-alerts></rt-signal-alerts></rt-provider>`],
  ] as const) {
    it(`a provider with ${what}: "not configured", never the page default user's rows (QA50 F3, F5)`, async () => {
      const { alices } = await pageForAlice();
      const root = await fixture(make());
      const inside = root.querySelector('rt-signal-alerts')!;
      const shown = everyText(inside);
      try {
        await waitFor(() => notConfigured(inside), 10_000, `not configured (shows ${textOf(inside).slice(0, 160)})`);
      } finally {
        shown.stop();
      }
      expect([...shown.seen].filter((t) => t.includes(alices))).to.deep.equal([]);
    });
  }

  it("a provider that had Bob's client, then client = undefined (a sign-out): \"not configured\", never Alice's rows (QA50 F4)", async () => {
    const { alices } = await pageForAlice();
    const bobs = marker('bob');
    await alertFor(BOB, bobs);
    const bob = await clientFor(USERS.bob);
    const root = await fixture(html`<rt-provider .client=${bob}><rt-signal-alerts></rt-signal-alerts></rt-provider>`);
    const inside = root.querySelector('rt-signal-alerts')!;
    await waitFor(() => textOf(inside).includes(bobs), 15_000, "Bob's alert");
    const shown = everyText(inside);
    try {
      (root as RtProvider).client = undefined;
      await waitFor(() => notConfigured(inside), 10_000, `not configured (shows ${textOf(inside).slice(0, 160)})`);
    } finally {
      shown.stop();
      bob.dispose();
    }
    expect([...shown.seen].filter((t) => t.includes(alices))).to.deep.equal([]);
  });

  it("a provider with Bob's url, key and token, each attribute removed in turn: never Alice's rows, then \"not configured\" (QA50 F4)", async () => {
    const { info, alices } = await pageForAlice();
    const bobs = marker('bob');
    await alertFor(BOB, bobs);
    const root = await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${await signIn(USERS.bob)}><rt-signal-alerts></rt-signal-alerts></rt-provider>`);
    const inside = root.querySelector('rt-signal-alerts')!;
    await waitFor(() => textOf(inside).includes(bobs), 15_000, "Bob's alert");
    const shown = everyText(inside);
    try {
      for (const name of ['supabase-url', 'anon-key', 'access-token']) {
        root.removeAttribute(name);
        await waitFor(() => !textOf(inside).includes(bobs), 10_000, `${name} removed: Bob's rows gone`);
      }
      await waitFor(() => notConfigured(inside), 10_000, `not configured (shows ${textOf(inside).slice(0, 160)})`);
    } finally {
      shown.stop();
    }
    expect([...shown.seen].filter((t) => t.includes(alices))).to.deep.equal([]);
  });

  for (const [how, mount] of [
    [
      "Bob's <rt-provider access-token> inside Alice's provider, both in one template",
      async (info: { url: string; anonKey: string }, alice: string, bob: string) =>
        (await fixture(html`<rt-provider supabase-url=${info.url} anon-key=${info.anonKey} access-token=${alice}>
          <rt-provider access-token=${bob}><rt-signal-alerts></rt-signal-alerts></rt-provider>
        </rt-provider>`)).querySelector('rt-signal-alerts')!,
    ],
    [
      "Bob's token set as the provider's property right after insertion (@lit/react's layout effect, Angular's bindings), Alice's page default",
      async (info: { url: string; anonKey: string }, alice: string, bob: string) => {
        configure({ url: info.url, anonKey: info.anonKey, accessToken: alice });
        const root = await fixture(html`<div></div>`);
        const provider = document.createElement('rt-provider') as RtProvider;
        const inside = document.createElement('rt-signal-alerts');
        provider.append(inside);
        root.append(provider);
        provider.accessToken = bob;
        return inside;
      },
    ],
  ] as const) {
    it(`${how}: its widget never reads nor shows Alice's rows (QA51 F3)`, async () => {
      ClientController.noClientTimeoutMs = 1500;
      const info = await backendInfo();
      const aliceToken = await signIn(USERS.alice);
      const alices = marker('alice');
      await alertFor(ALICE, alices);
      // Every REST read sent with Alice's token: none is this page's (no widget of hers). Before
      // its first update a provider answered `undefined` (the page default), and handed on an
      // outer provider's client, for a moment: two to four reads, nothing drawn.
      const reads = readsWith(aliceToken);
      try {
        const inside = await mount(info, aliceToken, await signIn(USERS.bob));
        const shown = everyText(inside);
        try {
          await waitFor(() => notConfigured(inside), 10_000, `not configured (shows ${textOf(inside).slice(0, 160)})`);
        } finally {
          shown.stop();
        }
        expect([...shown.seen].filter((t) => t.includes(alices))).to.deep.equal([]);
      } finally {
        reads.stop();
      }
      expect(reads.urls).to.deep.equal([]);
    });
  }
});
