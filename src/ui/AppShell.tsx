import type { AppUpdater } from '../pwa/registerSW';
import { useRoute, type Route } from './hooks/useRoute';
import { ConflictsPage } from './pages/conflicts/ConflictsPage';
import { FilesPage } from './pages/files/FilesPage';
import { JoinPage } from './pages/join/JoinPage';
import { NotesPage } from './pages/notes/NotesPage';
import { PeersPage } from './pages/peers/PeersPage';
import { SettingsPage } from './pages/settings/SettingsPage';
import { SyncIndicator } from './SyncIndicator';
import { UpdatePrompt } from './UpdatePrompt';

const PAGES: Array<{ route: Route; label: string }> = [
  { route: 'notes', label: 'Notes' },
  { route: 'files', label: 'Files' },
  { route: 'conflicts', label: 'Conflicts' },
  { route: 'peers', label: 'Peers' },
  { route: 'settings', label: 'Settings' },
];

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
        {route === 'notes' && <NotesPage />}
        {route === 'files' && <FilesPage />}
        {route === 'conflicts' && <ConflictsPage />}
        {route === 'peers' && <PeersPage />}
        {route === 'settings' && <SettingsPage />}
        {route === 'join' && <JoinPage />}
      </main>
    </div>
  );
}
