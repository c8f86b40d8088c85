/**
 * "Every way a host hands us values": React 19 raw tags and Vue templates render rt-monitor
 * elements BEFORE and AFTER the elements are defined — real Chromium, real local backend,
 * real supabase-js client. Each test uses fresh tag names (subclasses registered under
 * `fw-*-N`) so it controls when its elements are defined.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { React, createRoot, flushSync } from '../helpers/react.js';
import * as Vue from 'vue/dist/vue.esm-browser.js';
import { RtProvider } from '../../src/elements/rt-provider/rt-provider.js';
import { RtStreamProgress } from '../../src/elements/rt-stream-progress/rt-stream-progress.js';
import { backendInfo, newStream, updateRows, USERS, DEMO_PASSWORD, signIn } from '../helpers/backend.js';
import { deepText } from './helpers.js';
import { recordWarnings } from '../helpers/hosts.js';

const TIMEOUT = 15_000;
let n = 0;

function freshTags() {
  n++;
  const tags = { provider: `fw-provider-${n}`, progress: `fw-progress-${n}` };
  return {
    ...tags,
    define() {
      (class extends RtProvider {}).define(tags.provider);
      (class extends RtStreamProgress {}).define(tags.progress);
    },
  };
}

let supabase: SupabaseClient;
before(async () => {
  const info = await backendInfo();
  supabase = createClient(info.url, info.anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
  const { error } = await supabase.auth.signInWithPassword({ email: USERS.alice, password: DEMO_PASSWORD });
  expect(error).to.equal(null);
});

const errors: string[] = [];
const consoleError = console.error;
beforeEach(() => {
  errors.length = 0;
  console.error = (...args: unknown[]) => {
    errors.push(args.map(String).join(' '));
    consoleError.apply(console, args);
  };
});
afterEach(() => {
  console.error = consoleError;
});

const shown = (el: Element | null) => (el?.shadowRoot ? deepText(el.shadowRoot) : '');

async function until(el: () => Element | null, needle: string | RegExp) {
  const test = () => (typeof needle === 'string' ? shown(el()).includes(needle) : needle.test(shown(el())));
  await waitUntil(test, `never showed ${String(needle)}; showed: ${shown(el()).slice(0, 300)}`, { timeout: TIMEOUT, interval: 50 });
}

/** The widget shows the stream from the backend and follows a write to it. */
async function showsLive(progress: () => Element | null) {
  const el = progress();
  const id = el!.getAttribute('stream-id')!;
  const name = el!.getAttribute('data-name')!;
  await until(progress, name);
  await until(progress, '20%');
  await updateRows('streams', { id }, { current_progress: { percentage: 55, completed: 11, total: 20 } });
  await until(progress, '55%');
}

/** The widget explains that the client arrived as an attribute, and the console says how to fix it. */
async function explainsAttribute(progress: () => Element | null, tag: string, attribute = 'client') {
  // Naming the value that arrived as text (QA38: an access token was blamed on the client).
  await until(progress, attribute === 'client' ? 'Supabase client reached this widget as text' : 'access token reached this widget as text');
  expect(shown(progress())).not.to.include('no Supabase client was provided');
  if (attribute !== 'client') expect(shown(progress())).not.to.include('Supabase client reached');
  const mine = errors.filter((e) => e.includes(`<${tag} ${attribute}=`));
  expect(mine.length, errors.join('\n')).to.equal(1);
  expect(mine[0]).to.include('ref={(el) =>');
  expect(mine[0]).to.include(attribute === 'client' ? ':client.prop="supabase"' : ':access-token.camel.prop="getToken"');
}

const stream = () => newStream({ name: `fw ${crypto.randomUUID().slice(0, 6)}`, goal_status: 'in_progress', current_progress: { percentage: 20, completed: 4, total: 20 } });

function mountPoint(): HTMLElement {
  const div = document.createElement('div');
  document.body.append(div);
  return div;
}

describe('frameworks hand values to the elements (real backend)', function () {
  this.timeout(60_000);

  describe('React 19 raw tags', () => {
    async function render(t: ReturnType<typeof freshTags>, props: Record<string, unknown>) {
      const s = await stream();
      const root = createRoot(mountPoint());
      flushSync(() =>
        root.render(React.createElement(t.provider, props, React.createElement(t.progress, { 'stream-id': s.id, 'data-name': s.name }))),
      );
      return { root, progress: () => document.querySelector(t.progress) };
    }

    it('client={supabase} BEFORE definition: cannot work (React sets an attribute); the widget and one console error explain it', async () => {
      const t = freshTags();
      const { root, progress } = await render(t, { client: supabase });
      expect(document.querySelector(t.provider)!.getAttribute('client')).to.equal('[object Object]');
      t.define();
      await explainsAttribute(progress, t.provider);
      root.unmount();
    });

    it('ref={(el) => el.client = supabase} BEFORE definition: live data and updates', async () => {
      const t = freshTags();
      const { root, progress } = await render(t, { ref: (el: RtProvider | null) => { if (el) el.client = supabase; } });
      t.define();
      expect((document.querySelector(t.provider) as RtProvider).client, 'readable at once after the upgrade').to.equal(supabase);
      await showsLive(progress);
      expect(errors).to.deep.equal([]);
      root.unmount();
    });

    it('client={supabase} AFTER definition: live data and updates', async () => {
      const t = freshTags();
      t.define();
      const { root, progress } = await render(t, { client: supabase });
      await showsLive(progress);
      expect(document.querySelector(t.provider)!.hasAttribute('client')).to.equal(false);
      root.unmount();
    });
  });

  describe('Vue 3 templates (runtime compiler)', () => {
    function mount(t: ReturnType<typeof freshTags>, template: string, data: Record<string, unknown>) {
      const app = Vue.createApp({ template, setup: () => data });
      app.config.compilerOptions.isCustomElement = (tag: string) => tag.startsWith('fw-');
      app.mount(mountPoint());
      return { app, progress: () => document.querySelector(t.progress) };
    }

    it(':client="sb" BEFORE definition: cannot work (Vue sets an attribute); the widget and one console error explain it', async () => {
      const t = freshTags();
      const s = await stream();
      const { app, progress } = mount(t, `<${t.provider} :client="sb"><${t.progress} :stream-id="id" :data-name="name"></${t.progress}></${t.provider}>`, { sb: Vue.markRaw(supabase), id: s.id, name: s.name });
      t.define();
      await explainsAttribute(progress, t.provider);
      app.unmount();
    });

    it(':client.prop="sb" BEFORE definition: live data and updates', async () => {
      const t = freshTags();
      const s = await stream();
      const { app, progress } = mount(t, `<${t.provider} :client.prop="sb"><${t.progress} :stream-id="id" :data-name="name"></${t.progress}></${t.provider}>`, { sb: Vue.markRaw(supabase), id: s.id, name: s.name });
      t.define();
      await showsLive(progress);
      expect(errors).to.deep.equal([]);
      app.unmount();
    });

    it(':client="sb" AFTER definition: live data and updates', async () => {
      const t = freshTags();
      t.define();
      const s = await stream();
      const { app, progress } = mount(t, `<${t.provider} :client="sb"><${t.progress} :stream-id="id" :data-name="name"></${t.progress}></${t.provider}>`, { sb: Vue.markRaw(supabase), id: s.id, name: s.name });
      await showsLive(progress);
      app.unmount();
    });

    it('h() render function with { ".client": sb } BEFORE definition: live data', async () => {
      const t = freshTags();
      const s = await stream();
      const app = Vue.createApp({ render: () => Vue.h(t.provider, { '.client': supabase }, [Vue.h(t.progress, { 'stream-id': s.id, 'data-name': s.name })]) });
      app.mount(mountPoint());
      t.define();
      await showsLive(() => document.querySelector(t.progress));
      app.unmount();
    });

    it(':access-token="fn" (even after definition) arrives as function source: explained; :access-token.camel.prop works', async () => {
      const info = await backendInfo();
      const token = await signIn(USERS.alice);
      const getToken = async () => token;
      const t = freshTags();
      t.define();
      const s = await stream();
      const bad = mount(t, `<${t.provider} :supabase-url="url" :anon-key="key" :access-token="getToken"><${t.progress} :stream-id="id" :data-name="name"></${t.progress}></${t.provider}>`, { url: info.url, key: info.anonKey, getToken, id: s.id, name: s.name });
      expect(document.querySelector(t.provider)!.getAttribute('access-token')).to.match(/^async \(\) =>/);
      await explainsAttribute(bad.progress, t.provider, 'access-token');
      bad.app.unmount();

      const good = mount(t, `<${t.provider} :supabase-url="url" :anon-key="key" :access-token.camel.prop="getToken"><${t.progress} :stream-id="id" :data-name="name"></${t.progress}></${t.provider}>`, { url: info.url, key: info.anonKey, getToken, id: s.id, name: s.name });
      await showsLive(good.progress);
      good.app.unmount();
    });

    it(':stream-id.prop and :supabase-url.prop set properties named as the attributes: read as the attributes (QA55 F2)', async () => {
      const info = await backendInfo();
      const t = freshTags();
      t.define();
      const s = await stream();
      const m = mount(t, `<${t.provider} :supabase-url.prop="url" :anon-key.prop="key" :access-token.prop="token"><${t.progress} :stream-id.prop="id" :data-name="name"></${t.progress}></${t.provider}>`, { url: info.url, key: info.anonKey, token: await signIn(USERS.alice), id: s.id, name: s.name });
      await showsLive(m.progress);
      expect((m.progress() as RtStreamProgress).streamId).to.equal(s.id);
      m.app.unmount();
    });
  });

  it('Angular interpolation (stream-id="{{ id }}", supabase-url="{{ url }}") sets properties named as the attributes, before and after definition: read as the attributes (QA55 F2)', async () => {
    const info = await backendInfo();
    const token = await signIn(USERS.alice);
    for (const when of ['before', 'after'] as const) {
      const t = freshTags();
      if (when === 'after') t.define();
      const s = await stream();
      const provider = document.createElement(t.provider) as unknown as Record<string, unknown> & HTMLElement;
      const progress = document.createElement(t.progress) as unknown as Record<string, unknown> & HTMLElement;
      provider.append(progress);
      mountPoint().append(provider);
      Object.assign(provider, { 'supabase-url': info.url, 'anon-key': info.anonKey, 'access-token': token });
      Object.assign(progress, { 'stream-id': s.id });
      progress.setAttribute('data-name', s.name);
      if (when === 'before') t.define();
      await showsLive(() => progress);
      expect(progress['stream-id'], when).to.equal(s.id);
      provider.parentElement!.remove();
    }
  });

  // Svelte 5 (svelte/src/internal/client/dom/elements/attributes.js): a prop of an element that is
  // not defined yet, and is not an object, is set as an attribute named by the prop in lower case.
  // These tests make the DOM calls it makes (QA55 F1: "No stream selected", then "not configured").
  describe('Svelte 5: props of elements not yet defined arrive as lower-case attributes', () => {
    let recorded: ReturnType<typeof recordWarnings>;
    beforeEach(() => {
      recorded = recordWarnings();
    });
    afterEach(() => recorded.restore());

    async function svelteMount(accessToken: string) {
      const t = freshTags();
      const info = await backendInfo();
      const s = await stream();
      const provider = document.createElement(t.provider);
      // <Provider supabaseUrl={url} anonKey={key} accessToken={token}><Progress streamId={id} data-name={name} /></Provider>
      provider.setAttribute('supabaseurl', info.url);
      provider.setAttribute('anonkey', info.anonKey);
      provider.setAttribute('accesstoken', accessToken);
      const progress = document.createElement(t.progress);
      progress.setAttribute('streamid', s.id);
      progress.setAttribute('data-name', s.name);
      provider.append(progress);
      mountPoint().append(provider);
      t.define(); // rt-monitor imported after the app mounted
      return { t, provider, progress };
    }

    it('supabaseUrl, anonKey, accessToken and streamId are read as their attributes: Live, each said once on the console', async () => {
      const { t, provider, progress } = await svelteMount(await signIn(USERS.alice));
      await showsLive(() => progress);
      for (const [tag, lower, attribute] of [[t.provider, 'supabaseurl', 'supabase-url'], [t.provider, 'anonkey', 'anon-key'], [t.provider, 'accesstoken', 'access-token'], [t.progress, 'streamid', 'stream-id']]) {
        const said = recorded.warnings.filter((w) => w.includes(`<${tag} ${lower}=`));
        expect(said.length, `${lower}: ${recorded.warnings.join('\n')}`).to.equal(1);
        expect(said[0]).to.include(`read as ${attribute}=`);
        // The fix in any framework's terms, not only Svelte's (QA86 L2: Angular's labelField="…").
        expect(said[0]).to.include(`Write ${attribute}="…"`).and.include('Angular: [');
      }
      provider.parentElement!.remove();
    });

    it('accessToken={fn} (its source text) is named as a token that arrived as text, not "not configured"', async () => {
      const { t, provider, progress } = await svelteMount('() => auth.getToken()');
      await explainsAttribute(() => progress, t.provider, 'access-token');
      provider.parentElement!.remove();
    });
  });

  it('plain JavaScript: a property set on a detached element before definition is applied at once; a later set is not overwritten', async () => {
    const t = freshTags();
    const el = document.createElement(t.provider) as RtProvider;
    const other = createClient((await backendInfo()).url, (await backendInfo()).anonKey, { auth: { persistSession: false, autoRefreshToken: false } });
    el.client = other as never;
    const s = await stream();
    el.innerHTML = `<${t.progress} stream-id="${s.id}" data-name="${s.name}"></${t.progress}>`;
    document.body.append(el);
    t.define();
    expect(el.client).to.equal(other);
    el.client = supabase as never; // after the upgrade, before the first update: this one wins
    await showsLive(() => el.querySelector(t.progress));
    expect(el.client).to.equal(supabase);
    el.remove();
  });
});
