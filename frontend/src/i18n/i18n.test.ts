// The translations against their English source: the same keys (plural forms aside: a
// language without a `_one` form may leave it out), no empty texts, and the same
// interpolation variables in both languages.
import { describe, expect, it } from 'vitest';
import { en } from './en';
import { normalize, pick, pickZh } from '.';
import { zhCN } from './zh-CN';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

/** A plural key without its form: `check.errors_other` → `check.errors`. */
const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');
const vars = (text: string) => [...text.matchAll(/{{\s*([\w.]+)[^}]*}}/g)].map((m) => m[1]).sort();

const english = flatten(en as unknown as Tree);
const chinese = flatten(zhCN as unknown as Tree);

describe('translations', () => {
  it('has every English key in Chinese (a plural needs its _other form)', () => {
    const missing = [...english.keys()].filter((k) => !chinese.has(k) && !(k.endsWith('_one') && chinese.has(`${base(k)}_other`)));
    expect(missing).toEqual([]);
  });

  it('has no Chinese key that English lacks', () => {
    const extra = [...chinese.keys()].filter((k) => !english.has(k));
    expect(extra).toEqual([]);
  });

  it('has no empty text', () => {
    for (const [name, table] of [['en', english], ['zh-CN', chinese]] as const) {
      const empty = [...table].filter(([, v]) => !v.trim()).map(([k]) => `${name}:${k}`);
      expect(empty).toEqual([]);
    }
  });

  it('uses the same interpolation variables in both languages', () => {
    const differ: string[] = [];
    for (const [k, v] of chinese) {
      const source = english.get(k) ?? english.get(`${base(k)}_other`);
      if (source === undefined) continue;
      // A plural's variables: those of any of its English forms.
      const forms = [...english].filter(([ek]) => base(ek) === base(k)).flatMap(([, ev]) => vars(ev));
      const expected = [...new Set(k === base(k) ? vars(source) : forms)].sort();
      const got = [...new Set(vars(v))].sort();
      if (JSON.stringify(expected) !== JSON.stringify(got)) differ.push(`${k}: ${expected.join(',')} ≠ ${got.join(',')}`);
    }
    expect(differ).toEqual([]);
  });

  it('writes Chinese in Chinese', () => {
    expect(chinese.get('topbar.train')).toBe('训练');
    expect(chinese.get('issue.shape_mismatch')).toBe('形状不匹配');
    const untranslated = [...chinese].filter(([k, v]) => v === english.get(k) && /[a-z]{4,}/i.test(v) && !/^\{\{/.test(v));
    // Names kept as they are: the language's own name, file formats, the English label.
    expect(untranslated.map(([k]) => k).filter((k) => !['language.en', 'topbar.exportOnnx'].includes(k))).toEqual([]);
  });
});

describe('language helpers', () => {
  it('maps browser tags to the supported languages', () => {
    expect(normalize('zh')).toBe('zh-CN');
    expect(normalize('zh-Hans-CN')).toBe('zh-CN');
    expect(normalize('zh-TW')).toBe('zh-CN');
    expect(normalize('en-GB')).toBe('en');
    expect(normalize('fr')).toBeNull();
    expect(normalize(null)).toBeNull();
  });

  it('picks the server text in the current language, English when the Chinese is absent', () => {
    expect(pick({ en: 'Vanishing gradients', 'zh-CN': '梯度消失' }, 'zh-CN')).toBe('梯度消失');
    expect(pick({ en: 'Vanishing gradients', 'zh-CN': '' }, 'zh-CN')).toBe('Vanishing gradients');
    expect(pick({ en: 'Vanishing gradients', 'zh-CN': '梯度消失' }, 'en')).toBe('Vanishing gradients');
    expect(pickZh('A dense layer', undefined, 'zh-CN')).toBe('A dense layer');
    expect(pickZh('A dense layer', '全连接层', 'zh-CN')).toBe('全连接层');
  });
});
