import { useEffect, useState } from 'react';

type Render = (source: string) => string;
let loading: Promise<Render> | undefined;
let loaded: Render | undefined;

/** The renderer, loaded once on first use (see renderMarkdown.ts). */
function loadRenderer(): Promise<Render> {
  loading ??= import('./renderMarkdown').then((m) => (loaded = m.renderMarkdown));
  return loading;
}

/** The rendered body of a note (sanitised: see {@link renderMarkdown}). */
export function MarkdownView({ source }: { source: string }) {
  const [render, setRender] = useState<Render | undefined>(() => loaded);
  useEffect(() => {
    if (render) return;
    let isCurrent = true;
    loadRenderer()
      .then((fn) => isCurrent && setRender(() => fn))
      .catch(() => undefined);
    return () => {
      isCurrent = false;
    };
  }, [render]);
  const html = render ? render(source) : '';
  return <div className="markdown" data-testid="note-preview" dangerouslySetInnerHTML={{ __html: html }} />;
}
