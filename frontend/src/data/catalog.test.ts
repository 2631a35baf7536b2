import { describe, expect, it } from 'vitest';
import type { BuiltinDataset, DatasetCatalog, DatasetRecord } from '../api/types';
import {
  activeFacts,
  availabilityView,
  builtinGroups,
  catalogFacts,
  currentChoice,
  formatDate,
  sizeProblem,
  uploadKinds,
  uploadLimit,
  uploadRow,
} from './catalog';

const builtin = (name: string, kind: string, state: BuiltinDataset['availability']['state'], extra: Partial<BuiltinDataset> = {}): BuiltinDataset => ({
  name,
  kind,
  summary: `${name} summary`,
  options_schema: {},
  availability: { state, message: `${name} is ${state}` },
  ...extra,
});

const iris: DatasetRecord = {
  id: 'd_0123456789ab',
  name: 'iris.csv',
  kind: 'csv',
  bytes: 48_213,
  sha256: 'ab'.repeat(32),
  created_at: new Date(2026, 2, 12, 14, 5).toISOString(),
  info: { input_shape: [4], input_dtype: 'float32', target: 'class', num_classes: 3, classes: ['a', 'b', 'c'], train: 120, val: 30, notes: [] },
  config: { dataset: 'csv', dataset_options: { upload: 'ab'.repeat(32) } },
};

const catalog: DatasetCatalog = {
  builtin: [
    builtin('mnist', 'image', 'stand_in', { input_shape: [1, 28, 28], input_dtype: 'float32', target: 'class', num_classes: 10 }),
    builtin('moons', 'points', 'generated', { input_shape: [2], target: 'class', num_classes: 2 }),
    builtin('tiny_shakespeare', 'text', 'needs_file', { availability: { state: 'needs_file', message: 'not available here: upload input.txt', upload_kind: 'text' } }),
    builtin('csv', 'tabular', 'needs_file', { max_upload_bytes: 50_000_000 }),
    builtin('image_zip', 'image', 'needs_file', { max_upload_bytes: 200_000_000 }),
    builtin('cifar10', 'image', 'on_server'),
  ],
  uploads: [iris],
};

describe('the dataset catalog', () => {
  it('finds what the document trains on: an upload by its file, or a built-in set by name', () => {
    const facts = catalogFacts(catalog);
    const upload = activeFacts({ dataset: 'csv', dataset_options: { upload: iris.sha256 } }, facts);
    expect(upload).toMatchObject({ name: 'csv', label: 'iris.csv', input_shape: [4], num_classes: 3, upload: iris.sha256 });
    expect(activeFacts({ dataset: 'mnist' }, facts)).toMatchObject({ name: 'mnist', num_classes: 10 });
    expect(activeFacts({ dataset: 'csv', dataset_options: { upload: 'gone' } }, facts)).toBeNull();
    expect(activeFacts({}, facts)).toBeNull();

    expect(currentChoice({ dataset: 'csv', dataset_options: { upload: iris.sha256 } }, catalog)).toEqual({ type: 'upload', record: iris });
    expect(currentChoice({ dataset: 'moons' }, catalog)).toMatchObject({ type: 'builtin', dataset: { name: 'moons' } });
    expect(currentChoice({ dataset: 'csv', dataset_options: { upload: 'gone' } }, catalog)).toEqual({ type: 'unknown', name: 'csv', upload: 'gone' });
    expect(currentChoice({ dataset: 'imagenet' }, catalog)).toEqual({ type: 'unknown', name: 'imagenet', upload: null });
    expect(currentChoice(undefined, catalog)).toEqual({ type: 'none' });
  });

  it("shows the server's availability sentence, in the tone of its state", () => {
    const [mnist, moons, shakespeare, , , cifar] = catalog.builtin;
    expect(availabilityView(mnist!.availability)).toEqual({ tone: 'warning', text: 'mnist is stand_in', uploadKind: null });
    expect(availabilityView(moons!.availability).tone).toBe('ok');
    expect(availabilityView(cifar!.availability).tone).toBe('ok');
    expect(availabilityView(shakespeare!.availability)).toEqual({ tone: 'needs', text: 'not available here: upload input.txt', uploadKind: 'text' });
  });

  it('knows the uploadable kinds and their size limits from the catalog alone', () => {
    expect(uploadKinds(catalog).map((d) => d.name)).toEqual(['csv', 'image_zip']);
    expect(uploadLimit(catalog, 'csv')).toBe(50_000_000);
    expect(uploadLimit(catalog, null)).toBe(200_000_000);
    expect(uploadLimit({ builtin: [], uploads: [] }, null)).toBeNull();
    expect(sizeProblem({ name: 'big.csv', size: 60_000_000 }, catalog, 'csv')).toBe('big.csv is 60 MB; the server takes csv files up to 50 MB');
    expect(sizeProblem({ name: 'big.csv', size: 60_000_000 }, catalog, null)).toBeNull();
    expect(sizeProblem({ name: 'huge.bin', size: 3e8 }, catalog, null)).toBe('huge.bin is 300 MB; the server takes files up to 200 MB');
  });

  it('groups the sets that train without an upload by kind', () => {
    expect(builtinGroups(catalog).map((g) => `${g.kind}: ${g.datasets.map((d) => d.name).join(' ')}`)).toEqual([
      'image: mnist cifar10',
      'points: moons',
      'text: tiny_shakespeare',
    ]);
  });

  it('lists an upload with its size and date for people', () => {
    const now = new Date(2026, 2, 12, 18, 0);
    expect(uploadRow(iris, now)).toMatchObject({ name: 'iris.csv', kind: 'csv', size: '48.2 kB', date: 'today 14:05' });
    expect(formatDate(new Date(2026, 0, 3, 9, 0).toISOString(), now)).toBe('3 Jan');
    expect(formatDate(new Date(2025, 11, 31, 9, 0).toISOString(), now)).toBe('31 Dec 2025');
    expect(formatDate('not a date', now)).toBe('not a date');
  });
});
