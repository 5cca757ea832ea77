import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createServices } from './app/createServices';
import { ServicesContext } from './app/ServicesContext';
import { watchPageFaults } from './app/pageFaults';
import { TopErrorBoundary } from './app/TopErrorBoundary';
import { registerServiceWorker } from './pwa/registerSW';
import { AppShell } from './ui/AppShell';
import './ui/styles.css';

const services = createServices();

// Rejections nobody handled, and what the Content-Security-Policy blocked:
// logged (redacted) and counted, never an error page (see app/pageFaults.ts).
watchPageFaults(services.logger.child('page'));

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
