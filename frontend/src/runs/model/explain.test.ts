import { describe, expect, it } from 'vitest';
import { findings } from './explain';
import type { Warning } from './health';
import { fixedT } from '../../model/translate';

const warn = (node: string | null, diagnosis: Warning['diagnosis'] = 'vanishing_gradients'): Warning => ({
  key: `${diagnosis}:${node}`,
  diagnosis,
  node,
  severity: 'warning',
  message: `gradient norm 1.01e-08 is 2.0e-08 of head's (5.14e-01)`,
  value: 1e-8,
  step: 40,
});

describe('diagnoses for a learner', () => {
  it('leads with a plain sentence, names every layer once, and links the twin', () => {
    const [f] = findings([warn('fc2'), warn('fc1')], {
      types: new Set(['Linear', 'Sigmoid']),
      order: ['x', 'fc1', 'sig1', 'fc2'],
      preset: { name: 'deep_sigmoid_mlp', twin: 'deep_residual_mlp', twinTitle: 'Deep residual MLP' },
    });
    expect(f!.headline).toMatch(/^The layers nearest the input are barely learning/);
    expect(f!.why).toMatch(/sigmoid passes back only a fraction/);
    expect(f!.tryThis).toMatch(/ReLU.*residual.*BatchNorm/);
    expect(f!.layers).toEqual(['fc1', 'fc2']);
    expect(f!.cure).toEqual({ preset: 'deep_residual_mlp', label: 'Open the twin that does not have this: Deep residual MLP' });
    expect(f!.details).toHaveLength(2); // the numbers, one click away
  });

  it('offers the settings that cure overfitting, with no twin to open', () => {
    const [f] = findings([warn(null, 'overfitting')], { types: new Set(), preset: null });
    expect(f!.tryThis).toMatch(/Dropout.*weight decay/);
    expect(f!.layers).toEqual([]);
    expect(f!.cure).toBeNull();
  });

  it('says it in the language of the t it is given', () => {
    const context = { types: new Set(['Linear', 'Sigmoid', 'Tanh']), preset: { name: 'deep_sigmoid_mlp', twin: 'deep_residual_mlp', twinTitle: '深层残差 MLP' } };
    const [en] = findings([warn('fc1')], context);
    expect(en!.why).toMatch(/^Each sigmoid and tanh passes back/);
    const [zh] = findings([warn('fc1')], context, fixedT('zh-CN'));
    expect(zh!.headline).toBe('靠近输入的几层几乎学不动了：它们的梯度几乎消失了。');
    expect(zh!.why).toMatch(/^每个 sigmoid 和 tanh 只能把梯度的一小部分传回去/);
    expect(zh!.tryThis).toMatch(/ReLU 激活函数.*残差.*BatchNorm/);
    expect(zh!.cure).toEqual({ preset: 'deep_residual_mlp', label: '打开没有这个问题的对照网络：深层残差 MLP' });
    const [overfit] = findings([warn(null, 'overfitting')], context, fixedT('zh-CN'));
    expect(overfit!.headline).toMatch(/训练数据/);
  });
});
