import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createServices } from './app/createServices';
import { ServicesContext } from './app/ServicesContext';
import { TopErrorBoundary } from './app/TopErrorBoundary';
import { registerServiceWorker } from './pwa/registerSW';
import { AppShell } from './ui/AppShell';
import './ui/styles.css';

const services = createServices();

// PouchDB's replicator can leak a rejection when a peer dies mid-batch (see
// sync/hardenRemote.ts for the one we patch). Anything else that slips
// through is logged, redacted, instead of surfacing as an uncaught error.
window.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  services.logger.warn('unhandled rejection caught', String((event.reason as Error)?.message ?? event.reason));
});

window.addEventListener('online', () => services.sync.retryNow());
// Ask at start-up, not when Settings opens: without it the browser may evict
// notes no peer has yet when the disk fills up.
navigator.storage?.persist?.().catch(() => undefined);
services.sync.start();
const updater = registerServiceWorker();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <TopErrorBoundary logger={services.logger}>
      <ServicesContext.Provider value={services}>
        <AppShell updater={updater} />
      </ServicesContext.Provider>
    </TopErrorBoundary>
  </StrictMode>,
);
