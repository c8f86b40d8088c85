export { rtClientContext, rtLocaleContext, rtThemeContext, ensureContextRoot, type RtTheme } from './rt-context.js';
