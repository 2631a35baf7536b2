// Two places for now: the editor (#/ and #/graphs/<id>) and a run (#/runs/<id>).
import { useEffect, useState } from 'react';
import { EditorPage } from './editor/EditorPage';
import { RunPlaceholder } from './runs/RunPlaceholder';

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

export function App() {
  const hash = useHash();
  const run = /^#\/runs\/([^/]+)/.exec(hash);
  if (run) return <RunPlaceholder runId={decodeURIComponent(run[1] ?? '')} />;
  return <EditorPage />;
}
