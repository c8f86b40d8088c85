// `cem analyze` reads the JSDoc on each element class (@summary, @slot, @csspart, @cssproperty,
// @fires) and Lit's properties; custom-elements.json is committed and checked for staleness.
export default {
  // rt-element.ts: the base class, so the elements' inherited `locale` / `theme` attributes resolve.
  globs: ['src/elements/**/*.ts', 'src/internal/rt-element.ts'],
  exclude: ['src/elements/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  dependencies: false,
  packagejson: true,
};
