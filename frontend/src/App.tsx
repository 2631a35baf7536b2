// The places: the editor (#/ and #/graphs/<id>), a run (#/runs/<id>), all runs (#/runs,
// #/runs?sweep=<id> for a sweep's), two runs compared (#/compare/<a>/<b>) and a sweep
// (#/sweeps/<id>).
import { useEffect, useState } from 'react';
import { EditorPage } from './editor/EditorPage';
import { LessonPanel } from './lessons/LessonPanel';
import { Compare } from './runs/Compare';
import { RunPage } from './runs/RunPage';
import { RunsList } from './runs/RunsList';
import { SweepPage } from './sweeps/SweepPage';

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return hash;
}

const part = (s: string | undefined) => decodeURIComponent(s ?? '');

export function App() {
  return (
    <>
      <Page />
      <LessonPanel />
    </>
  );
}

function Page() {
  const hash = useHash();
  const compare = /^#\/compare\/([^/]+)\/([^/]+)/.exec(hash);
  if (compare) return <Compare key={hash} a={part(compare[1])} b={part(compare[2])} />;
  const sweep = /^#\/sweeps\/([^/?]+)/.exec(hash);
  if (sweep) return <SweepPage key={sweep[1]} sweepId={part(sweep[1])} />;
  const run = /^#\/runs\/([^/?]+)/.exec(hash);
  if (run) return <RunPage runId={part(run[1])} />;
  const runs = /^#\/runs\/?(?:\?sweep=([^&]+))?$/.exec(hash);
  if (runs) return <RunsList key={hash} sweep={runs[1] ? part(runs[1]) : null} />;
  return <EditorPage />;
}
