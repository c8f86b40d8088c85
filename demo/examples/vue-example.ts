/**
 * rt-monitor in Vue: no wrapper. The rt-* tags are custom elements (`isCustomElement`), props
 * bind with `:stream-id`, events with `@rt-alert`. (This example compiles the in-page template at
 * runtime; with single-file components set the same option on @vitejs/plugin-vue's
 * `template.compilerOptions`.)
 */
import { createApp, reactive } from 'vue';
import 'rt-monitor';
import { exampleSetup, type ExampleSetup } from './backend.js';

const state = reactive({ setup: null as ExampleSetup | null, problem: '', status: 'unknown', alerts: [] as string[] });
const app = createApp({ setup: () => state });
app.config.compilerOptions.isCustomElement = (tag) => tag.startsWith('rt-');
app.mount('#app');
exampleSetup().then(
  (setup) => (state.setup = setup),
  (err: Error) => (state.problem = err.message),
);
