import { Suspense } from 'react';
import type { AppUpdater } from '../pwa/registerSW';
import { useRoute, type Route } from './hooks/useRoute';
import { lazyPage } from './lazyPage';
import { NotesPage } from './pages/notes/NotesPage';
import { StorageClosed } from './StorageClosed';
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
// A page whose code cannot be fetched says so (lazyPage.tsx).
const FilesPage = lazyPage(() => import('./pages/files/FilesPage').then((m) => m.FilesPage));
const ConflictsPage = lazyPage(() => import('./pages/conflicts/ConflictsPage').then((m) => m.ConflictsPage));
const PeersPage = lazyPage(() => import('./pages/peers/PeersPage').then((m) => m.PeersPage));
const SettingsPage = lazyPage(() => import('./pages/settings/SettingsPage').then((m) => m.SettingsPage));
const JoinPage = lazyPage(() => import('./pages/join/JoinPage').then((m) => m.JoinPage));

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
      <StorageClosed />
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
