/**
 * rt-monitor in React: the `rt-monitor/react` wrappers (made with @lit/react), typed props
 * (`streamId`, `accessToken`, …) and typed events (`onRtStatusChange`, `onRtAlert`, …).
 */
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { RtProvider, RtConnectionStatus, RtStreamProgress, RtSignalAlerts } from 'rt-monitor/react';
import { exampleSetup, type ExampleSetup } from './backend.js';

function App({ setup }: { setup: ExampleSetup }) {
  const [status, setStatus] = useState('unknown');
  const [alerts, setAlerts] = useState<string[]>([]);
  return (
    <RtProvider supabaseUrl={setup.url} anonKey={setup.anonKey} accessToken={setup.accessToken}>
      <h1>rt-monitor · React</h1>
      <p>
        Connection (from <code>onRtStatusChange</code>): <output id="status">{status}</output>
      </p>
      <RtConnectionStatus id="connection" onRtStatusChange={(e) => setStatus(e.detail.status)} />
      <RtStreamProgress id="progress" streamId={setup.streamId} />
      <RtSignalAlerts id="alerts" userId={setup.userId} maxItems={5} onRtAlert={(e) => setAlerts((a) => [...a, e.detail.alert.business_name])} />
      <h2>Alerts received through onRtAlert</h2>
      <ul id="alert-log">
        {alerts.map((name, i) => (
          <li key={i}>{name}</li>
        ))}
      </ul>
    </RtProvider>
  );
}

exampleSetup().then(
  (setup) =>
    createRoot(document.getElementById('root')!).render(
      <StrictMode>
        <App setup={setup} />
      </StrictMode>,
    ),
  (err: Error) => (document.getElementById('root')!.textContent = err.message),
);
