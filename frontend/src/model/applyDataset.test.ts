import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../api/types';
import { applyDataset, changeNote, taskFor, type TaskChoice } from './applyDataset';

// A few of the server's tasks as GET /api/meta declares them (train/tasks).
const ANY_FLOAT: ('class' | 'value' | 'none')[] = ['class', 'none', 'value'];
const CHOICE: TaskChoice = {
  defaultTask: 'classification',
  tasks: [
    { name: 'autoencoder', summary: '', targets: ANY_FLOAT, usual_for: null },
    { name: 'classification', summary: '', targets: ['class'], usual_for: 'class' },
    { name: 'language_model', summary: '', targets: ['sequence'], usual_for: 'sequence' },
    { name: 'regression', summary: '', targets: ['value'], usual_for: 'value' },
    { name: 'seq2seq', summary: '', targets: ['sequence'], usual_for: null },
    { name: 'gan', summary: '', targets: ANY_FLOAT, usual_for: null },
  ],
};

const lenet: GraphDocument = {
  name: 'LeNet',
  nodes: [
    { id: 'image', type: 'Input', params: { shape: [1, 28, 28] } },
    { id: 'flat', type: 'Flatten' },
    { id: 'fc1', type: 'Linear', params: { out_features: 120 } },
    { id: 'act', type: 'ReLU' },
    { id: 'fc3', type: 'Linear', params: { out_features: 10 } },
    { id: 'logits', type: 'Output' },
  ],
  edges: [
    { source: 'image', target: 'flat' },
    { source: 'flat', target: 'fc1' },
    { source: 'fc1', target: 'act' },
    { source: 'act', target: 'fc3' },
    { source: 'fc3', target: 'logits' },
  ],
  training: { task: 'classification', dataset: 'mnist', epochs: 5 },
};

const gpt: GraphDocument = {
  name: 'char GPT',
  nodes: [
    { id: 'tokens', type: 'Input', params: { shape: [64], dtype: 'int64' } },
    { id: 'embed', type: 'Embedding', params: { num_embeddings: 65, embedding_dim: 128 } },
    { id: 'head', type: 'Linear', params: { out_features: 65 } },
    { id: 'out', type: 'Output' },
  ],
  edges: [
    { source: 'tokens', target: 'embed' },
    { source: 'embed', target: 'head' },
    { source: 'head', target: 'out' },
  ],
  training: { task: 'language_model', dataset: 'tiny_shakespeare', dataset_options: { block_size: 64 } },
};

const iris = {
  name: 'csv',
  label: 'iris.csv',
  upload: 'ab12',
  options: { upload: 'ab12' },
  input_shape: [4],
  input_dtype: 'float32',
  target: 'class',
  num_classes: 3,
};

const param = (doc: GraphDocument, id: string) => doc.nodes?.find((n) => n.id === id)?.params;

describe('applying a dataset', () => {
  it('records an upload with its options, fits the Input and the head, and lists each change', () => {
    const { doc, changes } = applyDataset(lenet, iris, CHOICE);
    expect(doc.training).toEqual({ task: 'classification', dataset: 'csv', dataset_options: { upload: 'ab12' }, epochs: 5 });
    expect(param(doc, 'image')).toEqual({ shape: [4] });
    expect(param(doc, 'fc3')).toEqual({ out_features: 3 });
    expect(param(doc, 'fc1')).toEqual({ out_features: 120 });
    expect(changeNote(changes)).toBe('image shape 1×28×28 → 4; fc3 out_features 10 → 3');
    expect(lenet.nodes?.[0]?.params).toEqual({ shape: [1, 28, 28] }); // pure: the old document is untouched
  });

  it('changes nothing in a graph that already fits (the note is empty)', () => {
    const { doc, changes } = applyDataset(lenet, { name: 'mnist', input_shape: [1, 28, 28], input_dtype: 'float32', target: 'class', num_classes: 10 }, CHOICE);
    expect(changes).toEqual([]);
    expect(doc.nodes).toEqual(lenet.nodes);
  });

  it('switches a text upload to language modelling: token Input, Embedding and head span the vocabulary', () => {
    const text = { name: 'text', label: 'poems.txt', upload: 'cd34', options: { upload: 'cd34' }, input_shape: [64], input_dtype: 'int64', target: 'sequence', num_classes: 41 };
    const { doc, changes } = applyDataset(lenet, text, CHOICE);
    expect(doc.training?.task).toBe('language_model');
    expect(param(doc, 'image')).toEqual({ shape: [64], dtype: 'int64' });
    expect(changeNote(changes)).toBe('task classification → language_model; image shape 1×28×28 → 64; image dtype float32 → int64; fc3 out_features 10 → 41');

    const again = applyDataset(gpt, text, CHOICE);
    expect(param(again.doc, 'embed')).toEqual({ num_embeddings: 41, embedding_dim: 128 });
    expect(changeNote(again.changes)).toBe('embed num_embeddings 65 → 41; head out_features 65 → 41');
    expect(again.doc.training?.dataset_options).toEqual({ upload: 'cd34' });
  });

  it('goes back to float32 by clearing the dtype, and drops an upload\'s options for a built-in set', () => {
    const tokens = applyDataset(gpt, { name: 'moons', input_shape: [2], input_dtype: 'float32', target: 'class', num_classes: 2 }, CHOICE);
    expect(param(tokens.doc, 'tokens')).toEqual({ shape: [2] });
    expect(tokens.doc.training).toEqual({ task: 'classification', dataset: 'moons' });
    expect(changeNote(tokens.changes)).toBe('task language_model → classification; tokens shape 64 → 2; tokens dtype int64 → float32; head out_features 65 → 2');

    const withUpload = applyDataset(lenet, iris, CHOICE).doc;
    expect(applyDataset(withUpload, { name: 'csv' }, CHOICE).doc.training?.dataset_options).toBeUndefined();
    // The same built-in set again keeps the options someone set on it.
    expect(applyDataset(gpt, { name: 'tiny_shakespeare' }, CHOICE).doc.training?.dataset_options).toEqual({ block_size: 64 });
  });

  it('a numeric target trains a regression; an autoencoder keeps its task on images', () => {
    expect(taskFor('value', 'classification', CHOICE)).toBe('regression');
    expect(taskFor('value', undefined, CHOICE)).toBe('regression');
    expect(taskFor('class', undefined, CHOICE)).toBeUndefined();
    expect(taskFor('class', 'autoencoder', CHOICE)).toBe('autoencoder');
    expect(taskFor('value', 'autoencoder', CHOICE)).toBe('autoencoder'); // it never reads the target
    expect(taskFor('sequence', 'autoencoder', CHOICE)).toBe('language_model');
    expect(taskFor('sequence', 'seq2seq', CHOICE)).toBe('seq2seq');
    expect(taskFor(null, 'gan', CHOICE)).toBe('gan');
    // Until the server has said what its tasks learn from, no task is changed.
    expect(taskFor('value', 'classification', { tasks: [], defaultTask: undefined })).toBe('classification');
    const regression = applyDataset(lenet, { name: 'csv', input_shape: [3], target: 'value' }, CHOICE);
    expect(regression.doc.training?.task).toBe('regression');
    expect(param(regression.doc, 'fc3')).toEqual({ out_features: 10 }); // a value's width is not known here
  });

  it('a document without an Input only records the dataset', () => {
    const { doc, changes } = applyDataset({ nodes: [], edges: [] }, iris, CHOICE);
    expect(doc.training).toEqual({ dataset: 'csv', dataset_options: { upload: 'ab12' } });
    expect(changes).toEqual([]);
  });
});
