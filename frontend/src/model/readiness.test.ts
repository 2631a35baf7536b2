import { describe, expect, it } from 'vitest';
import { dataProblem, trainBlocked, type TrainState } from './readiness';
import { fixedT } from './translate';

const zh = fixedT('zh-CN');

const moons = { name: 'moons' };
const shakespeare = { name: 'tiny_shakespeare', unavailable: 'not available here: upload input.txt' };
const csv = { name: 'csv', unavailable: 'upload a file to train on (csv)' };
const myCsv = { name: 'csv', label: 'blobs.csv', upload: 'abc' };

describe('whether the data can train here', () => {
  it('asks for a dataset when none is chosen, even before the catalog is known', () => {
    expect(dataProblem({}, null)?.code).toBe('no_dataset');
    expect(dataProblem(undefined, [moons])?.message).toMatch(/^No dataset is chosen/);
  });

  it('knows a set only once the catalog is loaded', () => {
    expect(dataProblem({ dataset: 'nope' }, null)).toBeNull();
    expect(dataProblem({ dataset: 'nope' }, [moons])?.message).toBe('This server has no dataset called "nope": choose one it has.');
    expect(dataProblem({ dataset: 'moons' }, [moons])).toBeNull();
  });

  it('says what a set that waits for a file needs, in words', () => {
    expect(dataProblem({ dataset: 'tiny_shakespeare' }, [shakespeare])?.message).toBe(
      'tiny_shakespeare is not available on this server: upload input.txt, or choose another dataset.',
    );
    expect(dataProblem({ dataset: 'csv' }, [csv])?.message).toBe('csv needs a file before it can train: upload a file to train on (csv).');
  });

  it('finds an upload by its file, and says when it is gone', () => {
    expect(dataProblem({ dataset: 'csv', dataset_options: { upload: 'abc' } }, [myCsv, csv])).toBeNull();
    expect(dataProblem({ dataset: 'csv', dataset_options: { upload: 'def' } }, [myCsv, csv])?.code).toBe('dataset_unknown');
  });
});

describe('why Train is disabled', () => {
  const ready: TrainState = { empty: false, checked: true, errors: 0, firstError: null, offline: false, data: null };
  it('gives one reason, the first that applies', () => {
    expect(trainBlocked(ready)).toBeNull();
    expect(trainBlocked({ ...ready, empty: true, errors: 1 })).toMatch(/empty/);
    expect(trainBlocked({ ...ready, errors: 2, firstError: 'conv1: kernel too large' })).toBe('Fix 2 errors first: conv1: kernel too large');
    expect(trainBlocked({ ...ready, data: dataProblem({}, null)!.message })).toMatch(/No dataset/);
    expect(trainBlocked({ ...ready, checked: false })).toBe('Checking the graph…');
  });

  it('says it in the language of the `t` it is given', () => {
    expect(trainBlocked({ ...ready, errors: 1, firstError: 'conv1: kernel too large' })).toBe('Fix 1 error first: conv1: kernel too large');
    expect(trainBlocked({ ...ready, errors: 2, firstError: 'conv1: x' }, zh)).toBe('请先修复 2 个错误：conv1: x');
    expect(trainBlocked({ ...ready, empty: true }, zh)).toMatch(/^网络是空的/);
    const problem = dataProblem({ dataset: 'tiny_shakespeare' }, [shakespeare], zh);
    expect(problem?.message).toBe('tiny_shakespeare 在此服务器上不可用：upload input.txt，或选择其他数据集。');
    expect(problem?.fixLabel).toBe('上传或选择…');
  });
});
