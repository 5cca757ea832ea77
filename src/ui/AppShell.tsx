import { lazy, Suspense } from 'react';
import type { AppUpdater } from '../pwa/registerSW';
import { useRoute, type Route } from './hooks/useRoute';
import { NotesPage } from './pages/notes/NotesPage';
import { SyncIndicator } from './SyncIndicator';
import { UpdatePrompt } from './UpdatePrompt';

const PAGES: Array<{ route: Route; label: string }> = [
  { route: 'notes', label: 'Notes' },
  { route: 'files', label: 'Files' },
  { route: 'conflicts', label: 'Conflicts' },
  { route: 'peers', label: 'Peers' },
  { route: 'settings', label: 'Settings' },
];

// Pages other than Notes load when first opened: the first paint of the
// notes needs only the Notes page (issue #6: initial JavaScript size).
const FilesPage = lazy(() => import('./pages/files/FilesPage').then((m) => ({ default: m.FilesPage })));
const ConflictsPage = lazy(() => import('./pages/conflicts/ConflictsPage').then((m) => ({ default: m.ConflictsPage })));
const PeersPage = lazy(() => import('./pages/peers/PeersPage').then((m) => ({ default: m.PeersPage })));
const SettingsPage = lazy(() => import('./pages/settings/SettingsPage').then((m) => ({ default: m.SettingsPage })));
const JoinPage = lazy(() => import('./pages/join/JoinPage').then((m) => ({ default: m.JoinPage })));

/** Header, navigation and the current page. */
export function AppShell({ updater }: { updater: AppUpdater }) {
  const route = useRoute();
  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">p2pcloud</span>
        <nav aria-label="Pages">
          {PAGES.map((page) => (
            <a key={page.route} href={`#/${page.route}`} aria-current={route === page.route ? 'page' : undefined}>
              {page.label}
            </a>
          ))}
        </nav>
        <SyncIndicator />
      </header>
      <UpdatePrompt updater={updater} />
      <main>
        <Suspense fallback={<p className="empty">Loading…</p>}>
          {route === 'notes' && <NotesPage />}
          {route === 'files' && <FilesPage />}
          {route === 'conflicts' && <ConflictsPage />}
          {route === 'peers' && <PeersPage />}
          {route === 'settings' && <SettingsPage />}
          {route === 'join' && <JoinPage />}
        </Suspense>
      </main>
    </div>
  );
}
