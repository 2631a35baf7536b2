import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../api/types';
import { datasetAsked, datasetShown, datasetUsed } from './datasetUsed';
import { fixedT } from '../../model/translate';

const plain = (dataset: string | null) => ({ dataset, upload: false, uploadName: null });

describe('the dataset a run used', () => {
  it("reads the worker's word from the record, when it has one", () => {
    const record = { id: 'r_1', dataset_used: 'mnist' } as unknown as RunRecord;
    expect(datasetUsed(record)).toBe('mnist');
    expect(datasetUsed({ id: 'r_1' } as unknown as RunRecord)).toBeNull();
    expect(datasetUsed({ id: 'r_1', dataset_used: null } as unknown as RunRecord)).toBeNull();
    expect(datasetUsed({ id: 'r_1', dataset_used: ' ' } as unknown as RunRecord)).toBeNull();
    expect(datasetUsed(null)).toBeNull();
  });

  it('says a stand-in is a stand-in, and the real set plainly', () => {
    const standIn = datasetShown(plain('mnist'), 'scikit-learn digits upsampled to 28x28 (stand-in for mnist)');
    expect(standIn).toMatchObject({ text: 'scikit-learn digits upsampled to 28x28 (stand-in for mnist)', standIn: true });
    expect(standIn.title).toMatch(/mnist is not on the worker/);
    expect(datasetShown(plain('mnist'), 'mnist')).toMatchObject({ text: 'mnist', standIn: false });
    expect(datasetShown(plain('mnist'), 'MNIST')).toMatchObject({ standIn: false });
  });

  it('names an upload by its file when the catalog knows it, and never calls it a stand-in', () => {
    const uploads = [{ sha256: 'ab', name: 'iris.csv', config: { dataset: 'csv', dataset_options: { upload: 'ab' } } }];
    const asked = datasetAsked({ dataset: 'csv', dataset_options: { upload: 'ab' } }, uploads);
    expect(asked).toEqual({ dataset: 'csv', upload: true, uploadName: 'iris.csv' });
    expect(datasetShown(asked, null).text).toBe('iris.csv');
    expect(datasetShown(asked, 'csv')).toMatchObject({ text: 'iris.csv', standIn: false }); // the worker says the kind
    expect(datasetShown(asked, 'something else')).toMatchObject({ text: 'something else', standIn: false });
    const gone = datasetAsked({ dataset: 'csv', dataset_options: { upload: 'cd' } }, uploads);
    expect(datasetShown(gone, null).text).toBe('csv upload');
  });

  it('before the worker speaks, the config names the set', () => {
    expect(datasetAsked({ dataset: 'moons' }, [])).toEqual(plain('moons'));
    expect(datasetShown(plain('moons'), null)).toMatchObject({ text: 'moons', standIn: false });
    expect(datasetShown(plain(null), null).text).toBe('–');
  });

  it('says it in the language of the t it is given', () => {
    const zh = fixedT('zh-CN');
    expect(datasetShown(plain('mnist'), 'digits (stand-in for mnist)', zh).title).toBe('工作进程上没有 mnist：改用这份替代数据训练');
    expect(datasetShown({ dataset: 'csv', upload: true, uploadName: null }, null, zh).text).toBe('上传的 csv');
    expect(datasetShown(plain(null), null, zh).title).toBe('没有数据集');
  });
});
