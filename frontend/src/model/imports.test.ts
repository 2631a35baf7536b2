import { describe, expect, it } from 'vitest';
import { fileKind, refusalMessage } from './imports';

describe('files that open', () => {
  it('knows documents and ONNX models by name or type', () => {
    expect(fileKind('lenet.json')).toBe('json');
    expect(fileKind('LENET.JSON')).toBe('json');
    expect(fileKind('download', 'application/json')).toBe('json');
    expect(fileKind('resnet.onnx')).toBe('onnx');
    expect(fileKind('weights.safetensors')).toBeNull();
  });
});

describe('a refused import', () => {
  it('names each operator where it sits, the first few', () => {
    const unsupported = [
      { call: 'Erf', where: "node 1 'erf'", reason: 'no node type', path: '' },
      { call: 'Pad', where: "node 2 'pad'", reason: 'no node type', path: '' },
      { call: 'Mod', where: null, reason: 'no node type', path: '' },
      { call: 'Elu', where: "node 9 'elu'", reason: 'no node type', path: '' },
    ];
    const text = refusalMessage('m.onnx', unsupported);
    expect(text).toContain("Cannot import m.onnx: 4 operators");
    expect(text).toContain("Erf (node 1 'erf'): no node type; Pad (node 2 'pad')");
    expect(text).toContain('Mod: no node type; and 1 more');
    expect(refusalMessage('a.onnx', unsupported.slice(0, 1))).toContain('an operator');
  });
});
