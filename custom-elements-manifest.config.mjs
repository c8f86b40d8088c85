// `cem analyze` reads the JSDoc on each element class (@summary, @slot, @csspart, @cssproperty,
// @fires) and Lit's properties; custom-elements.json is committed and checked for staleness.
export default {
  // rt-element.ts and unread-feed.ts: base classes, so the elements' inherited attributes resolve.
  globs: ['src/elements/**/*.ts', 'src/internal/rt-element.ts', 'src/internal/unread-feed.ts'],
  exclude: ['src/elements/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  plugins: [
    {
      // `@container` on an element class: the events of the rt-* elements inside it bubble out of it
      // (the provider, the dashboard). Recorded as `"container": true`; scripts/generate-lists.mjs
      // gives such an element every child event (React wrapper props, JSX / Vue types).
      name: 'rt-container',
      analyzePhase({ ts, node, moduleDoc }) {
        if (!ts.isClassDeclaration(node) || !node.name) return;
        const tags = (node.jsDoc ?? []).flatMap((d) => d.tags ?? []);
        if (!tags.some((t) => t.tagName.getText() === 'container')) return;
        const decl = moduleDoc.declarations?.find((d) => d.name === node.name.getText());
        if (decl) decl.container = true;
      },
    },
    {
      // RtElement's `emit(name, …)` dispatches `new RtEvent(name, …)`: the analyzer records an event
      // called "name" on every element (QA41: shown in editors). The real ones are declared with
      // @fires, and every one is an rt-* event.
      name: 'rt-events-declared',
      packageLinkPhase({ customElementsManifest }) {
        for (const mod of customElementsManifest.modules) {
          for (const decl of mod.declarations ?? []) if (decl.events) decl.events = decl.events.filter((e) => e.name?.startsWith('rt-'));
        }
      },
    },
    {
      // Glob order follows the file system's, which differs between checkouts: sort modules by
      // path so the committed manifest is the same everywhere (check-manifest compares bytes).
      name: 'rt-sort-modules',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      },
    },
  ],
  dependencies: false,
  packagejson: true,
};
