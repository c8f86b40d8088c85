/**
 * Translations: every key of `en` in every bundled language, loaded only when asked, rendered in
 * each locale the demo offers with no English UI text left, plural forms from Intl.PluralRules,
 * host overrides winning, and bidi isolation (<bdi>, FSI…PDI) with an RTL layout for Arabic.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { TemplateResult } from 'lit';
import '../../src/elements/rt-stream-card/rt-stream-card.js';
import '../../src/elements/rt-scan-progress/rt-scan-progress.js';
import '../../src/elements/rt-agent-executions/rt-agent-executions.js';
import '../../src/elements/rt-signal-alerts/rt-signal-alerts.js';
import '../../src/elements/rt-notifications/rt-notifications.js';
import '../../src/elements/rt-connection-status/rt-connection-status.js';
import '../../src/elements/rt-multi-connection-status/rt-multi-connection-status.js';
import '../../src/elements/rt-progress/rt-progress.js';
import '../../src/elements/rt-diagnostics/rt-diagnostics.js';
import '../../src/elements/rt-monitoring-dashboard/rt-monitoring-dashboard.js';
import { bundledLanguages, en, loadStrings, registerStrings, stringsFor, type RtStrings } from '../../src/internal/strings.js';
import { formatNumber, formatRelative } from '../../src/internal/format.js';
import { ago, ALICE, memory, mount, ORG, settle, text } from './helpers.js';

type Data = Record<string, string | Record<string, string>>;

const DEMO_LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'ja-JP', 'ar-EG'];

/** Values that are rightly the same word as in English (checked, not forgotten). */
const SAME_AS_ENGLISH: Record<string, string[]> = {
  de: ['notAvailable', 'live', 'streamFallback', 'scans', 'agentFallback', 'streams', 'agentStream', 'filter', 'statusHeading', 'notificationType.info'],
  fr: ['notAvailable', 'scan', 'scans', 'agentFallback', 'notifications', 'table', 'notificationType.info'],
  es: ['notAvailable', 'notificationType.error'],
  ja: ['notAvailable'],
  ar: ['notAvailable'],
};

const FSI = '\u2068';
const PDI = '\u2069';

const locales: Record<string, Data> = {};
let placeholders: Record<string, string[]>;

/** Resource URLs of translation files fetched so far. */
const fetchedLocales = () =>
  performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((n) => /\/src\/locales\/\w+\.json/.test(n));

/** Every English UI phrase: static strings, record values, and the fixed parts of sentences. */
function englishPhrases(): string[] {
  const out = new Set<string>();
  for (const value of Object.values(en)) {
    if (typeof value === 'string') out.add(value);
    else if (typeof value === 'function') {
      const sample = (value as (...a: unknown[]) => string)('\u0001', '\u0001', '\u0001', 2);
      for (const part of sample.split('\u0001')) {
        const p = part.replace(/^[\s:,.]+|[\s:,.]+$/g, '');
        if (p.length >= 4) out.add(p);
      }
    } else for (const v of Object.values(value)) out.add(v);
  }
  out.delete('—');
  return [...out];
}

const asWord = (phrase: string) => new RegExp(`(^|[^\\p{L}])${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u');

/** All text of the element incl. nested shadow roots and accessible names / tooltips. */
function everything(el: Element): string {
  const attrs: string[] = [];
  const walk = (root: Element | ShadowRoot) => {
    for (const node of Array.from(root.querySelectorAll('*'))) {
      for (const a of ['aria-label', 'title', 'aria-valuetext', 'data-label']) {
        const v = node.getAttribute(a);
        if (v) attrs.push(v);
      }
      if (node.shadowRoot) walk(node.shadowRoot);
    }
  };
  walk(el.shadowRoot!);
  return `${text(el)} ${attrs.join(' ')}`;
}

function seeded() {
  const client = memory();
  client.setRows('streams', [
    { id: 's1', org_id: ORG, name: 'Q3 outbound', goal_status: 'in_progress', current_progress: { percentage: 55, completed: 11, total: 20 }, updated_at: ago(2000) },
  ]);
  client.setRows('acquisition_scans', [
    {
      id: 'sc1', user_id: ALICE, name: 'Nordics', status: 'running', progress_percentage: 40, current_step: 'enrich', targets_identified: 10,
      targets_analyzed: 4, started_at: ago(65_000), updated_at: ago(3000),
    },
  ]);
  client.setRows('agent_executions', [
    { id: 'e1', stream_id: 's1', agent_id: 'researcher', status: 'running', started_at: ago(30_000) },
    { id: 'e2', stream_id: 's1', agent_id: 'writer', status: 'running', started_at: ago(10_000) },
    { id: 'e3', stream_id: 's1', agent_id: 'scorer', status: 'completed', started_at: ago(90_000), completed_at: ago(60_000) },
  ]);
  client.setRows('signal_alerts', [
    { id: 'a1', user_id: ALICE, business_name: 'Acme GmbH', signal_type: 'hiring_surge', priority: 'high', read: false, created_at: ago(5000) },
  ]);
  client.setRows('notifications', [
    { id: 'n1', user_id: ALICE, title: 'Quarterly report', body: 'Numbers for Q3', type: 'success', link: '/r/1', read: false, created_at: ago(8000) },
  ]);
  return client;
}

/** Each element with a locale, and a database value it must show (proof that data rendered). */
const ELEMENTS: Array<[string, (locale: string) => TemplateResult, string]> = [
  ['rt-stream-card', (l) => html`<rt-stream-card stream-id="s1" locale=${l}></rt-stream-card>`, 'Q3 outbound'],
  ['rt-scan-progress', (l) => html`<rt-scan-progress scan-id="sc1" locale=${l}></rt-scan-progress>`, 'Nordics'],
  ['rt-agent-executions', (l) => html`<rt-agent-executions stream-id="s1" locale=${l}></rt-agent-executions>`, 'researcher'],
  ['rt-signal-alerts', (l) => html`<rt-signal-alerts locale=${l}></rt-signal-alerts>`, 'Acme GmbH'],
  ['rt-notifications', (l) => html`<rt-notifications locale=${l}></rt-notifications>`, 'Quarterly report'],
  ['rt-connection-status', (l) => html`<rt-connection-status status="connecting" locale=${l}></rt-connection-status>`, ''],
  [
    'rt-multi-connection-status',
    (l) => html`<rt-multi-connection-status locale=${l} .subscriptions=${[{ name: 'streams:org', status: 'connected' }, { name: 'scans:me', status: 'error' }]}></rt-multi-connection-status>`,
    'streams:org',
  ],
  ['rt-diagnostics', (l) => html`<rt-diagnostics locale=${l}></rt-diagnostics>`, ''],
  ['rt-monitoring-dashboard', (l) => html`<rt-monitoring-dashboard locale=${l}></rt-monitoring-dashboard>`, 'Nordics'],
];

async function rendered(tag: string, template: TemplateResult, locale: string): Promise<Element> {
  await loadStrings(locale);
  const el = await mount<Element>(seeded(), template, tag);
  await waitUntil(() => !el.shadowRoot!.querySelector('[part="loading"]'), `${tag} kept loading`, { timeout: 4000 });
  await settle(el);
  return el;
}

describe('translations', () => {
  before(async () => {
    placeholders = await (await fetch('/src/internal/string-placeholders.json')).json();
  });

  // First: nothing has asked for a translation yet in this page.
  it('loads a translation only when an element shows that language', async () => {
    await rendered('rt-stream-card', ELEMENTS[0][1]('en-US'), 'en-US');
    await rendered('rt-stream-card', ELEMENTS[0][1]('en-GB'), 'en-GB');
    expect(fetchedLocales(), 'English needs no file').to.deep.equal([]);
    expect(stringsFor('es-ES').live, 'before loading: English').to.equal('Live');
    const el = await mount<Element>(seeded(), html`<rt-stream-card stream-id="s1" locale="es-ES"></rt-stream-card>`, 'rt-stream-card');
    await waitUntil(() => text(el).includes('En directo'), 'the card re-rendered in Spanish', { timeout: 4000 });
    expect(fetchedLocales().map((u) => u.replace(/.*\//, '').replace(/\?.*/, ''))).to.deep.equal(['es.json']);
  });

  it('every string key of en is in every bundled language (and nothing else)', async () => {
    for (const lang of bundledLanguages) locales[lang] = ((await import(`../../src/locales/${lang}.json`)) as { default: Data }).default;
    const problems: string[] = [];
    for (const lang of bundledLanguages) {
      const data = locales[lang];
      for (const [key, english] of Object.entries(en)) {
        const value = data[key];
        if (value === undefined) {
          problems.push(`${lang}: missing "${key}"`);
          continue;
        }
        if (typeof english === 'object') {
          for (const sub of Object.keys(english)) {
            const v = (value as Record<string, string>)[sub];
            if (typeof v !== 'string' || !v) problems.push(`${lang}: missing "${key}.${sub}"`);
            else if (v === english[sub] && !SAME_AS_ENGLISH[lang]?.includes(`${key}.${sub}`)) problems.push(`${lang}: "${key}.${sub}" is still English`);
          }
        } else if (typeof english === 'string') {
          if (typeof value !== 'string' || !value) problems.push(`${lang}: "${key}" must be a string`);
          else if (value === english && !SAME_AS_ENGLISH[lang]?.includes(key)) problems.push(`${lang}: "${key}" is still English`);
        } else {
          const names = placeholders[key];
          if (!names) problems.push(`string-placeholders.json: no entry for "${key}"`);
          const forms = typeof value === 'string' ? { other: value } : value;
          const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories as string[];
          if (!forms.other) problems.push(`${lang}: "${key}" needs an "other" form`);
          for (const [form, t] of Object.entries(forms)) {
            if (!categories.includes(form)) problems.push(`${lang}: "${key}" has plural form "${form}", not one of ${categories.join(', ')}`);
            for (const m of t.matchAll(/\{(\d+)\}/g)) if (Number(m[1]) >= (names?.length ?? 0)) problems.push(`${lang}: "${key}" uses a placeholder it does not get`);
          }
          // Every value reaches the sentence (the "other" form at least).
          for (let i = 0; i < (names?.length ?? 0); i++) if (!forms.other?.includes(`{${i}}`)) problems.push(`${lang}: "${key}" drops {${names![i]}}`);
        }
      }
      for (const key of Object.keys(data)) if (!(key in en)) problems.push(`${lang}: unknown key "${key}"`);
    }
    for (const [key, names] of Object.entries(placeholders)) {
      const fn = en[key as keyof RtStrings];
      if (typeof fn !== 'function') problems.push(`string-placeholders.json: "${key}" is not a function string of en`);
      else if (fn.length !== names.length && fn.length !== names.length + 1) problems.push(`string-placeholders.json: "${key}" lists ${names.length} names, en takes ${fn.length} arguments`);
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  for (const locale of DEMO_LOCALES) {
    it(`${locale}: every element shows no English UI text`, async () => {
      const lang = locale.split('-')[0];
      const own = lang === 'en' ? '' : JSON.stringify(locales[lang] ?? (await import(`../../src/locales/${lang}.json`)).default);
      const phrases = englishPhrases().filter((p) => !asWord(p).test(own)); // words the language shares with English are its own
      for (const [tag, template, value] of ELEMENTS) {
        const el = await rendered(tag, template(locale), locale);
        const all = everything(el);
        expect(all, `${tag} shows its data`).to.include(value);
        if (lang === 'en') {
          expect(englishPhrases().some((p) => asWord(p).test(all)), `${tag} in ${locale} shows English`).to.be.true;
          continue;
        }
        const left = phrases.filter((p) => asWord(p).test(all));
        expect(left, `${tag} in ${locale} still shows ${left.join(' | ')}\n${all}`).to.deep.equal([]);
      }
    });
  }

  it('a nested <rt-provider locale="de"> hands on the client and theme of the provider around it (QA19: its widgets read "not configured"); a nested theme keeps the outer locale', async () => {
    const client = memory();
    client.setRows('signal_alerts', [{ id: 'a1', user_id: ALICE, business_name: 'Contoso nested', signal_type: 'expansion', priority: 'high' }]);
    const wrapper = await fixture(html`<rt-provider .client=${client} theme="dark"><rt-provider locale="de"><rt-signal-alerts></rt-signal-alerts></rt-provider>
      <rt-provider theme="light" locale="fr"><rt-provider theme="dark"><rt-signal-alerts id="fr"></rt-signal-alerts></rt-provider></rt-provider></rt-provider>`);
    const el = wrapper.querySelector('rt-signal-alerts')!;
    const fr = wrapper.querySelector('#fr')!;
    const base = (e: Element) => getComputedStyle(e.shadowRoot!.querySelector('[part="base"]')!).backgroundColor;
    await waitUntil(() => text(el).includes('Contoso nested') && text(el).includes('Signalmeldungen'), `German alerts from the outer client (shows: ${text(el).slice(0, 120)})`, { timeout: 3000 });
    expect(text(el)).to.not.include('not configured');
    expect(base(el)).to.equal('rgb(15, 23, 42)'); // the outer provider's dark theme
    await waitUntil(() => text(fr).includes('Contoso nested') && /alertes/i.test(text(fr)), `French alerts (shows: ${text(fr).slice(0, 120)})`, { timeout: 3000 });
    expect(base(fr)).to.equal('rgb(15, 23, 42)');
    // The inner provider's own client options win; taken away again, it hands on the outer client.
    const inner = wrapper.querySelector('rt-provider rt-provider') as HTMLElement & { client?: unknown };
    const other = memory();
    other.setRows('signal_alerts', [{ id: 'b1', user_id: ALICE, business_name: 'Inner client', signal_type: 'expansion', priority: 'high' }]);
    inner.client = other;
    await waitUntil(() => text(el).includes('Inner client') && !text(el).includes('Contoso nested'), 'the inner client', { timeout: 3000 });
    inner.client = undefined;
    await waitUntil(() => text(el).includes('Contoso nested') && !text(el).includes('Inner client'), 'the outer client again', { timeout: 3000 });
  });

  it('German stream card: Live badge, status, counts and "Aktualisiert gerade eben"', async () => {
    const el = await rendered('rt-stream-card', html`<rt-stream-card stream-id="s1" locale="de-DE"></rt-stream-card>`, 'de-DE');
    const t = text(el);
    expect(t).to.include('In Bearbeitung');
    expect(t).to.include('11 von 20');
    expect(t).to.include('2 aktive Agenten');
    expect(t).to.include('Aktualisiert gerade eben');
    expect(el.shadowRoot!.querySelector('[part="live-badge"]')!.textContent!.trim()).to.equal(stringsFor('de').live);
  });

  it('plural forms come from Intl.PluralRules (en, de, fr, ar)', async () => {
    await Promise.all(['de', 'fr', 'ar'].map((l) => loadStrings(l)));
    expect(stringsFor('en').runningAgents('1', 1)).to.equal('1 running agent');
    expect(stringsFor('en').runningAgents('0', 0)).to.equal('0 running agents');
    expect(stringsFor('de').runningAgents('1', 1)).to.equal('1 aktiver Agent');
    expect(stringsFor('de').runningAgents('3', 3)).to.equal('3 aktive Agenten');
    expect(stringsFor('fr').runningAgents('0', 0), 'French: 0 is singular').to.equal('0 agent actif');
    expect(stringsFor('fr').newCount('2', 2)).to.equal('2 nouvelles');
    expect(stringsFor('ar').runningAgents('١', 1)).to.equal('وكيل واحد قيد التشغيل');
    expect(stringsFor('ar').runningAgents('٢', 2)).to.equal('وكيلان قيد التشغيل');
    expect(stringsFor('ar').runningAgents('٣', 3)).to.equal('٣ وكلاء قيد التشغيل');
    expect(stringsFor('ar').runningAgents('١١', 11)).to.equal('١١ وكيلًا قيد التشغيل');
    expect(stringsFor('de').targets('4', '1', 1)).to.equal('4 von 1 Ziel analysiert');
    expect(stringsFor('de').targets('4', '10', 10)).to.equal('4 von 10 Zielen analysiert');

    const client = seeded();
    client.update('agent_executions', { id: 'e2', status: 'completed', completed_at: new Date().toISOString() });
    const el = await mount<Element>(client, html`<rt-stream-card stream-id="s1" locale="de-DE"></rt-stream-card>`, 'rt-stream-card');
    await waitUntil(() => text(el).includes('1 aktiver Agent'), `singular in German; got ${text(el)}`, { timeout: 4000 });
  });

  it('French: every colon has a no-break space before it, in every string and where the elements put a label before its value (QA63 F6)', async () => {
    const fr = ((await import('../../src/locales/fr.json')) as { default: Record<string, unknown> }).default;
    const problems: string[] = [];
    const walk = (v: unknown, path: string) => {
      if (typeof v === 'string') {
        for (const m of v.matchAll(/:/g)) if (v[m.index! - 1] !== '\u00a0') problems.push(`${path}: ${JSON.stringify(v.slice(Math.max(0, m.index! - 20), m.index! + 3))}`);
      } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    };
    walk(fr, '');
    expect(problems, problems.join('\n')).to.deep.equal([]);
    // The labels the elements join to their values ("Démarré : il y a 5 s", "Durée : 2 min").
    for (const [tag, template] of ELEMENTS.filter(([t]) => /^rt-(agent-executions|scan-progress|connection-status|notifications|signal-alerts|stream-card)$/.test(t))) {
      const el = await rendered(tag, template('fr'), 'fr');
      const words: string[] = [];
      const collect = (n: Node) => {
        if (n instanceof HTMLStyleElement) return;
        if (n.nodeType === Node.TEXT_NODE) words.push(n.textContent ?? '');
        if (n instanceof Element) {
          for (const a of ['aria-label', 'title']) if (n.hasAttribute(a)) words.push(n.getAttribute(a)!);
          if (n.shadowRoot) collect(n.shadowRoot);
        }
        for (const c of Array.from(n.childNodes)) collect(c);
      };
      collect(el.shadowRoot!);
      const all = words.join('|');
      // (a time of day, "03:38", is no label)
      for (const m of all.matchAll(/(?<!\d):/g)) if (all[m.index! - 1] !== '\u00a0') problems.push(`${tag}: ${JSON.stringify(all.slice(Math.max(0, m.index! - 20), m.index! + 3))}`);
    }
    expect(problems, problems.join('\n')).to.deep.equal([]);
  });

  it("a host's registerStrings wins over the bundled translation", async () => {
    registerStrings('de-AT', { live: 'Jetzt', status: { in_progress: 'Läuft grad' } as never });
    const el = await rendered('rt-stream-card', html`<rt-stream-card stream-id="s1" locale="de-AT"></rt-stream-card>`, 'de-AT');
    const t = text(el);
    expect(t).to.include('Jetzt');
    expect(t).to.include('Läuft grad');
    expect(t, 'the rest is the bundled German').to.include('aktive Agenten');
  });

  describe('locale values that are almost right', () => {
    const lang = document.documentElement.lang;
    const warn = console.warn;
    let warnings: string[] = [];
    beforeEach(() => {
      warnings = [];
      console.warn = (...args: unknown[]) => {
        warnings.push(args.map(String).join(' '));
      };
    });
    afterEach(() => {
      console.warn = warn;
      document.documentElement.lang = lang;
    });

    const locale = (el: Element) => (el as Element & { effectiveLocale: string }).effectiveLocale;

    it('surrounding spaces, "_" for "-" and odd case are read as the tag they mean (element, provider and page)', async () => {
      const spaced = await rendered('rt-stream-card', html`<rt-stream-card stream-id="s1" locale="  de  "></rt-stream-card>`, 'de');
      expect(text(spaced)).to.include('In Bearbeitung');
      expect(locale(spaced)).to.equal('de');

      const cased = await rendered('rt-stream-card', html`<rt-stream-card stream-id="s1" locale="DE_de"></rt-stream-card>`, 'de');
      expect(text(cased)).to.include('In Bearbeitung');
      expect(locale(cased), 'canonicalised by Intl.getCanonicalLocales').to.equal('de-DE');
      expect(cased.getAttribute('lang'), 'the lang it sets is the canonical tag').to.equal('de-DE');

      await loadStrings('fr');
      const wrapper = await fixture(html`<rt-provider .client=${seeded()} locale=" fr_FR "><rt-stream-card stream-id="s1"></rt-stream-card></rt-provider>`);
      const fromProvider = wrapper.querySelector('rt-stream-card')!;
      await waitUntil(() => text(fromProvider).includes('En cours'), `French from the provider; got ${text(fromProvider)}`, { timeout: 4000 });
      expect(locale(fromProvider)).to.equal('fr-FR');

      document.documentElement.lang = 'de_DE';
      const fromPage = await rendered('rt-stream-card', html`<rt-stream-card stream-id="s1"></rt-stream-card>`, 'de');
      expect(text(fromPage)).to.include('In Bearbeitung');
      expect(text(fromPage), 'numbers and relative times in German too').to.include('Aktualisiert');
      expect(locale(fromPage)).to.equal('de-DE');
      expect(fromPage.hasAttribute('lang'), 'the page is German already: no lang of its own').to.equal(false);

      expect(warnings, 'nothing to warn about').to.deep.equal([]);
    });

    it('a blank locale counts as none (the provider\'s, then the page\'s, applies)', async () => {
      document.documentElement.lang = 'de';
      const el = await rendered('rt-stream-card', html`<rt-stream-card stream-id="s1" locale="   "></rt-stream-card>`, 'de');
      expect(locale(el)).to.equal('de');
      expect(text(el)).to.include('In Bearbeitung');
      expect(warnings).to.deep.equal([]);
    });

    it('a value Intl rejects shows English, with one console.warn naming it (not one per render or per element)', async () => {
      const bad = 'de DE!';
      const one = await rendered('rt-stream-card', html`<rt-stream-card stream-id="s1" locale=${bad}></rt-stream-card>`, 'en');
      const two = await rendered('rt-signal-alerts', html`<rt-signal-alerts locale=${bad}></rt-signal-alerts>`, 'en');
      for (let i = 0; i < 3; i++) {
        (one as HTMLElement & { requestUpdate(): void }).requestUpdate();
        await settle(one);
      }
      expect(locale(one)).to.equal('en');
      expect(locale(two)).to.equal('en');
      expect(text(one)).to.include('In progress');
      expect(text(one)).to.include('Updated just now');
      expect(one.hasAttribute('lang'), 'English words on an English page').to.equal(false);
      const about = warnings.filter((w) => w.includes(`"${bad}"`));
      expect(about, warnings.join('\n')).to.have.length(1);
      expect(about[0]).to.match(/locale/i);
      expect(about[0]).to.match(/English/);
    });

    it('formatting and string lookups read the same values the same way', async () => {
      expect(formatNumber('de_DE', 1234.5)).to.equal('1.234,5');
      expect(formatNumber('  de ', 1234.5)).to.equal('1.234,5');
      expect(formatRelative(' fr_FR', Date.now() - 3 * 60_000, Date.now())).to.equal('il y a 3 minutes');
      await loadStrings(' de_AT ');
      expect(stringsFor('de_AT').markAllRead).to.equal(stringsFor('de-AT').markAllRead);
      expect(stringsFor(' de_CH').markAllRead).to.equal(stringsFor('de').markAllRead);
      expect(stringsFor('de_CH').markAllRead).not.to.equal(en.markAllRead);
      expect(warnings).to.deep.equal([]);
      // Rejected: English (not the browser's own language), said once.
      expect(formatNumber('no such locale', 1234.5)).to.equal('1,234.5');
      expect(formatNumber('no such locale', 99)).to.equal('99');
      expect(warnings.filter((w) => w.includes('"no such locale"'))).to.have.length(1);
    });
  });

  describe('right to left', () => {
    const lang = document.documentElement.lang;
    afterEach(() => {
      document.documentElement.removeAttribute('dir');
      document.documentElement.lang = lang;
    });

    it('Arabic on a dir=rtl page: RTL layout, database values in <bdi>, values in sentences isolated', async () => {
      document.documentElement.dir = 'rtl';
      const card = await rendered('rt-stream-card', html`<rt-stream-card stream-id="s1" locale="ar-EG"></rt-stream-card>`, 'ar-EG');
      const base = card.shadowRoot!.querySelector('[part="base"]')!;
      expect(getComputedStyle(base).direction).to.equal('rtl');
      expect(card.shadowRoot!.querySelector('[part="label"] bdi')?.textContent).to.equal('Q3 outbound');
      const updated = card.shadowRoot!.querySelector('[part="updated"]')!.textContent!;
      expect(updated).to.match(new RegExp(`آخر تحديث ${FSI}[^${PDI}]+${PDI}`));
      const agents = card.shadowRoot!.querySelector('[part="agents"]')!.textContent!;
      expect(agents, 'two agents: the dual form').to.include('وكيلان');
      expect(card.shadowRoot!.querySelector('[role="progressbar"]')!.getAttribute('aria-label')).to.equal(`${FSI}Q3 outbound${PDI}`);

      const alerts = await rendered('rt-signal-alerts', html`<rt-signal-alerts locale="ar-EG"></rt-signal-alerts>`, 'ar-EG');
      expect(alerts.shadowRoot!.querySelector('[part="business"] bdi')?.textContent).to.equal('Acme GmbH');
      expect(alerts.shadowRoot!.querySelector('.signal-type bdi')?.textContent).to.equal('hiring surge');
      expect(getComputedStyle(alerts.shadowRoot!.querySelector('[part="base"]')!).direction).to.equal('rtl');
      const notes = await rendered('rt-notifications', html`<rt-notifications locale="ar-EG"></rt-notifications>`, 'ar-EG');
      expect(notes.shadowRoot!.querySelector('[part="title"] bdi')?.textContent).to.equal('Quarterly report');
      expect(notes.shadowRoot!.querySelector('[part="body"] bdi')?.textContent).to.equal('Numbers for Q3');
      const scan = await rendered('rt-scan-progress', html`<rt-scan-progress scan-id="sc1" locale="ar-EG"></rt-scan-progress>`, 'ar-EG');
      expect(scan.shadowRoot!.querySelector('[part="counts"]')!.textContent).to.match(new RegExp(`${FSI}٤${PDI}.*${FSI}١٠${PDI}`));
      await expect(card).to.be.accessible();
    });

    it('an Arabic element on a left-to-right page lays itself out right to left', async () => {
      const el = await rendered('rt-progress', html`<rt-progress locale="ar-EG" label="Import" percentage="40" status="running"></rt-progress>`, 'ar-EG');
      expect(el.getAttribute('dir')).to.equal('rtl');
      expect(el.getAttribute('lang'), 'a screen reader reads it as Arabic').to.equal('ar-EG');
      expect(getComputedStyle(el.shadowRoot!.querySelector('[role="progressbar"]')!).direction).to.equal('rtl');
      (el as HTMLElement & { locale: string }).locale = 'en-US';
      await settle(el);
      expect(el.hasAttribute('dir'), 'back to the page direction').to.be.false;
      expect(el.hasAttribute('lang'), 'English on a page without lang: nothing to say').to.be.false;
    });

    it('an English element inside dir=rtl lays itself out left to right ("4 of 10" must not read "10 of 4")', async () => {
      const inside = await mount<Element>(seeded(), html`<div dir="rtl"><rt-stream-card stream-id="s1" locale="en-US"></rt-stream-card></div>`, 'rt-stream-card');
      await waitUntil(() => text(inside).includes('running agents'), 'rendered', { timeout: 4000 });
      expect(inside.getAttribute('dir')).to.equal('ltr');
      expect(getComputedStyle(inside.shadowRoot!.querySelector('[part="base"]')!).direction).to.equal('ltr');
      expect(inside.shadowRoot!.querySelector('[part="agents"]')!.textContent).to.include('2 running agents');
      expect(text(inside)).not.to.include(FSI);
      // The page's own `dir` on the element wins (and then values in sentences are isolated).
      inside.setAttribute('dir', 'rtl');
      (inside as HTMLElement & { requestUpdate(): void }).requestUpdate();
      await settle(inside);
      expect(inside.getAttribute('dir')).to.equal('rtl');
      expect(inside.shadowRoot!.querySelector('[part="agents"]')!.textContent).to.include(`${FSI}2${PDI} running agents`);
      const outside = await rendered('rt-stream-card', html`<rt-stream-card stream-id="s1" locale="en-US"></rt-stream-card>`, 'en-US');
      expect(text(outside)).to.include('2 running agents');
      expect(outside.hasAttribute('dir')).to.equal(false);
      expect(text(outside)).not.to.include(FSI);
    });

    it('an English element in a page styled direction: rtl (CSS, no dir attribute) still lays itself out left to right', async () => {
      const el = await mount<Element>(seeded(), html`<div style="direction: rtl"><rt-stream-card stream-id="s1" locale="en-US"></rt-stream-card></div>`, 'rt-stream-card');
      await waitUntil(() => text(el).includes('running agents'), 'rendered', { timeout: 4000 });
      expect(getComputedStyle(el.shadowRoot!.querySelector('[part="base"]')!).direction, '"4 of 10" must not read "of 10 4"').to.equal('ltr');
      // Arabic words there: right to left.
      (el as HTMLElement & { locale: string }).locale = 'ar-EG';
      await waitUntil(() => getComputedStyle(el.shadowRoot!.querySelector('[part="base"]')!).direction === 'rtl', 'Arabic: right to left', { timeout: 4000 });
    });

    it('a page language without strings (Hebrew) shows English words, English numbers and dates, left to right; registered strings switch it', async () => {
      const client = seeded();
      client.setRows('streams', [
        { id: 's1', org_id: ORG, name: 'Q3 outbound', goal_status: 'in_progress', current_progress: { percentage: 55, completed: 11, total: 20 }, updated_at: ago(125_000) },
      ]);
      document.documentElement.lang = 'he';
      const el = await mount<Element>(client, html`<div dir="rtl"><rt-stream-card stream-id="s1"></rt-stream-card></div>`, 'rt-stream-card');
      await waitUntil(() => text(el).includes('running agents'), 'rendered', { timeout: 4000 });
      expect(el.getAttribute('dir')).to.equal('ltr');
      expect(el.getAttribute('lang'), 'its words are English on a Hebrew page').to.equal('en');
      expect(el.shadowRoot!.querySelector('[part="counts"]')!.textContent).to.equal('11 of 20');
      expect(el.shadowRoot!.querySelector('[part="updated"]')!.textContent).to.include('Updated 2 minutes ago');
      expect(text(el), 'no Hebrew letters from Intl inside English sentences').not.to.match(/[\u0590-\u05FF]/);
      registerStrings('he', { live: 'חי' });
      (el as HTMLElement & { requestUpdate(): void }).requestUpdate();
      await settle(el);
      expect(el.hasAttribute('dir'), 'Hebrew words: the page direction').to.equal(false);
      expect(el.hasAttribute('lang'), 'Hebrew words: the page language').to.equal(false);
      expect(text(el)).to.include('חי');
    });
  });
});
