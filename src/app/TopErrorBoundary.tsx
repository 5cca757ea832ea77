import { Component, type ErrorInfo, type ReactNode } from 'react';
import type { Logger } from '../sync/common/logger';

/**
 * Catches a render crash and says so. Never clears local data: the notes are
 * in IndexedDB and on the peers, and a reload usually brings the app back.
 */
export class TopErrorBoundary extends Component<{ logger: Logger; children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    this.props.logger.error('the interface crashed', `${error.message}${info.componentStack ?? ''}`);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="crash" role="alert">
        <h1>Something went wrong in p2pcloud.</h1>
        <p>Your notes are safe on this device. Reload the page to continue.</p>
        <pre>{this.state.error.message}</pre>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
