// Small op declarations for unit tests: enough ports to exercise the pure modules.
// (The application itself only ever takes node types from GET /api/ops.)
import { indexOps, type OpSchema, type PortSchema } from './ops';

const port = (name: string, dtype = 'float32', optional = false): PortSchema => ({
  name,
  description: name,
  optional,
  dtype,
});

const op = (type: string, inputs: PortSchema[], outputs: PortSchema[] = [port('y')]): OpSchema => ({
  type,
  category: 'Test',
  summary: `${type} for tests`,
  inputs,
  outputs,
  key_params: [],
  params_schema: { type: 'object', properties: {} },
});

export const TEST_OPS: OpSchema[] = [
  op('Input', [], [port('y', 'any')]),
  op('Output', [port('x', 'any')], []),
  op('Conv2d', [port('x')]),
  op('Linear', [port('x')]),
  op('ReLU', [port('x')]),
  op('Flatten', [port('x', 'any')]),
  op('Add', [port('a'), port('b')]),
  op('Embedding', [port('x', 'int64')]),
  op('LSTM', [port('x')], [port('y'), port('h')]),
];

export const TEST_INDEX = indexOps(TEST_OPS);
