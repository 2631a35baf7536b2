import { beforeAll, describe, expect, it } from 'vitest';
import { initI18n, issueMessage, issueText, whereText } from './index';
import { fillTemplate, formatNumber, formatParam, messageText, type MessageCatalog } from './messages';

// A few entries as GET /api/meta serves them (backend/layerlab/messages/catalog.py).
const catalog: MessageCatalog = {
  'shape.conv_too_small': {
    en: '{op}: input {got} is too small for kernel {kernel} with padding {padding}',
    'zh-CN': '{op}：输入 {got} 太小，放不下 {kernel} 的卷积核（填充为 {padding}）',
  },
  'port.unknown_input': {
    en: "no input port '{port}' (has: {ports})",
    'zh-CN': '没有名为 “{port}” 的输入端口（可用的有：{ports}）',
  },
  'limit.node_params': {
    en: '{node} has {params:,} parameters; the limit is {limit:,}',
    'zh-CN': '{node} 有 {params:,} 个参数，超出了上限 {limit:,} 个',
  },
  'health.dead_relu': {
    en: '{node}: {fraction:.0%} of units output zero for every sample',
    'zh-CN': '{node}：{fraction:.0%} 的神经元对所有样本都输出 0',
  },
};

const tooSmall = {
  code: 'shape_mismatch',
  key: 'shape.conv_too_small',
  params: { op: 'Conv2d', got: '(16, 10, 10)', kernel: '(50, 50)', padding: '(0, 0)' },
  message: 'Conv2d: input (16, 10, 10) is too small for kernel (50, 50) with padding (0, 0)',
};

beforeAll(() => {
  initI18n('en');
});

describe('formatNumber, as Python formats', () => {
  // The same cases as tests/test_messages.py::test_filling_matches_the_documented_rules.
  it.each([
    [61706, ',', '61,706'],
    [1234.5, ',.1f', '1,234.5'],
    [0.000123, '.2e', '1.23e-04'],
    [0.5, '.0%', '50%'],
    [0.4, '.4g', '0.4'],
    [12345.6, '.4g', '1.235e+04'],
    [0.00001, '.4g', '1e-05'],
    [2, '.1f', '2.0'],
    [1234567.891, ',.1f', '1,234,567.9'],
    [-4321, ',', '-4,321'],
    [250, '.0f', '250'],
    [0, '.2e', '0.00e+00'],
  ])('%s with %s is %s', (value, spec, expected) => {
    expect(formatNumber(value, spec)).toBe(expected);
  });

  it('refuses a spec the catalog may not use', () => {
    expect(formatNumber(1, 'x')).toBeNull();
    expect(formatParam(1, '>10')).toBeNull();
  });
});

describe('fillTemplate', () => {
  it('fills names, lists and numbers; null is empty', () => {
    expect(fillTemplate("no input port '{port}' (has: {ports})", { port: 'c', ports: ['a', 'b'] })).toBe("no input port 'c' (has: a, b)");
    expect(fillTemplate('{a} and {b:.1f}', { a: '(3, 32, 32)', b: 2 })).toBe('(3, 32, 32) and 2.0');
    expect(fillTemplate('{node}: cleared', { node: null })).toBe(': cleared');
  });

  it('is null when a named parameter is missing', () => {
    expect(fillTemplate('{a} and {b}', { a: 1 })).toBeNull();
  });
});

describe('messageText', () => {
  it('writes the message in the chosen language from its key and params', () => {
    expect(messageText(tooSmall, 'en', catalog)).toBe(tooSmall.message);
    expect(messageText(tooSmall, 'zh-CN', catalog)).toBe('Conv2d：输入 (16, 10, 10) 太小，放不下 (50, 50) 的卷积核（填充为 (0, 0)）');
    const limit = { key: 'limit.node_params', params: { node: 'fc', params: 10_000_000_000, limit: 500_000_000 }, message: '' };
    expect(messageText(limit, 'zh-CN', catalog)).toBe('fc 有 10,000,000,000 个参数，超出了上限 500,000,000 个');
    const dead = { key: 'health.dead_relu', params: { node: 'act1', fraction: 0.734 }, message: '' };
    expect(messageText(dead, 'zh-CN', catalog)).toBe('act1：73% 的神经元对所有样本都输出 0');
  });

  it('falls back to the server English: unknown key, no key, no catalog, missing params', () => {
    expect(messageText({ ...tooSmall, key: 'shape.from_a_newer_server' }, 'zh-CN', catalog)).toBe(tooSmall.message);
    expect(messageText({ message: 'plain' }, 'zh-CN', catalog)).toBe('plain');
    expect(messageText({ key: '', params: {}, message: 'empty key' }, 'zh-CN', catalog)).toBe('empty key');
    expect(messageText(tooSmall, 'zh-CN', null)).toBe(tooSmall.message);
    expect(messageText({ ...tooSmall, params: { op: 'Conv2d' } }, 'zh-CN', catalog)).toBe(tooSmall.message);
  });
});

describe('issueText', () => {
  it('titles a problem with its code in Chinese, and not in English', () => {
    expect(issueText(tooSmall, 'en', catalog)).toBe(tooSmall.message);
    const zh = issueText(tooSmall, 'zh-CN', catalog);
    expect(zh.startsWith('形状不匹配：Conv2d：输入')).toBe(true);
    expect(zh).not.toMatch(/too small|kernel|padding/);
  });

  it('names the block a problem lies in, in the chosen language', () => {
    const inner = { ...tooSmall, text: { key: tooSmall.key, params: tooSmall.params, message: tooSmall.message }, inBlock: { block: 'Stage', node: 'conv' }, message: `in block Stage, conv: ${tooSmall.message}` };
    expect(issueMessage(inner, 'en', catalog)).toBe(`in block Stage, conv: ${tooSmall.message}`);
    expect(issueMessage(inner, 'zh-CN', catalog)).toBe('模块 Stage 内的 conv：Conv2d：输入 (16, 10, 10) 太小，放不下 (50, 50) 的卷积核（填充为 (0, 0)）');
  });

  it('says where on its node a problem lies', () => {
    expect(whereText('input x', 'en')).toBe('input x');
    expect(whereText('output mean', 'zh-CN')).toBe('输出 mean');
    expect(whereText(null, 'zh-CN')).toBeNull();
  });
});
