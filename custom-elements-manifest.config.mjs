// `cem analyze` reads the JSDoc on each element class (@summary, @slot, @csspart, @cssproperty,
// @fires) and Lit's properties; custom-elements.json is committed and checked for staleness.
export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/elements/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  dependencies: false,
  packagejson: true,
};
