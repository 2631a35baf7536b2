import { describe, expect, it } from 'vitest';
import { displayValue, formFields, parseValue, validate, type JsonSchema } from './schemaForm';
import { fixedT } from './translate';

// The shape pydantic gives Conv2d's params (anyOf int | [int, int] | enum).
const conv: JsonSchema = {
  type: 'object',
  properties: {
    out_channels: { type: 'integer', minimum: 1, maximum: 65536, default: 16, description: 'Number of filters' },
    padding: {
      anyOf: [
        { type: 'integer', minimum: 0, maximum: 4096 },
        { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2 },
        { type: 'string', enum: ['same', 'valid'] },
      ],
      default: 0,
    },
    bias: { type: 'boolean', default: true },
    mode: { type: 'string', enum: ['nearest', 'bilinear'], default: 'nearest' },
    std: { anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'null' }], default: null },
  },
};
const fields = formFields(conv);
const field = (name: string) => fields.find((f) => f.name === name)!;

describe('form fields from JSON Schema', () => {
  it('picks a widget per type and keeps bounds, defaults and help', () => {
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ['out_channels', 'integer'],
      ['padding', 'text'],
      ['bias', 'boolean'],
      ['mode', 'enum'],
      ['std', 'number'],
    ]);
    expect(field('out_channels')).toMatchObject({ minimum: 1, maximum: 65536, defaultValue: 16, description: 'Number of filters' });
    expect(field('mode').options).toEqual(['nearest', 'bilinear']);
    expect(field('std').nullable).toBe(true);
    expect(field('padding').accepts).toBe('integer 0–4096, or 2 integer 0–∞, or same / valid');
  });

  it('parses text into a value the schema accepts, or says why not', () => {
    expect(parseValue(field('out_channels'), '6')).toEqual({ ok: true, value: 6 });
    expect(parseValue(field('out_channels'), '0')).toEqual({ ok: false, error: 'at least 1' });
    expect(parseValue(field('out_channels'), '2.5')).toEqual({ ok: false, error: 'a whole number' });
    expect(parseValue(field('padding'), '2')).toEqual({ ok: true, value: 2 });
    expect(parseValue(field('padding'), '1, 2')).toEqual({ ok: true, value: [1, 2] });
    expect(parseValue(field('padding'), '[3, 4]')).toEqual({ ok: true, value: [3, 4] });
    expect(parseValue(field('padding'), 'same')).toEqual({ ok: true, value: 'same' });
    expect(parseValue(field('padding'), 'wide').ok).toBe(false);
    expect(parseValue(field('std'), '')).toEqual({ ok: true, value: null });
    expect(parseValue(field('out_channels'), '')).toEqual({ ok: true, value: 16 });
  });

  it('states bounds for people, exclusive ones too', () => {
    expect(field('out_channels').bounds).toBe('1 – 65536');
    expect(field('std').bounds).toBe('> 0');
    expect(field('padding').bounds).toBe('');
  });

  it('validates against bounds, enums and item counts', () => {
    expect(validate({ type: 'array', minItems: 1, maxItems: 5, items: { type: 'integer', minimum: 1 } }, [1, 28, 28])).toBeNull();
    expect(validate({ type: 'array', minItems: 1, items: { type: 'integer', minimum: 1 } }, [])).toBe('at least 1 values');
    expect(validate({ type: 'number', exclusiveMinimum: 0 }, 0)).toBe('more than 0');
    expect(validate({ enum: ['a', 'b'] }, 'c')).toBe('one of a, b');
  });

  it('says what a field accepts and why a value is refused in the language of `t`', () => {
    const zh = fixedT('zh-CN');
    expect(formFields(conv, zh).find((f) => f.name === 'padding')?.accepts).toBe('整数 0–4096，或 2 个整数 0–∞，或 same / valid');
    expect(parseValue(field('out_channels'), '0', undefined, zh)).toEqual({ ok: false, error: '至少为 1' });
    expect(parseValue(field('out_channels'), '2.5', undefined, zh)).toEqual({ ok: false, error: '应为整数' });
    expect(validate({ type: 'array', minItems: 1, items: { type: 'integer', minimum: 1 } }, [], undefined, zh)).toBe('至少 1 个值');
  });

  it('shows values as editable text', () => {
    expect(displayValue([1, 28, 28])).toBe('1, 28, 28');
    expect(displayValue(undefined)).toBe('');
    expect(displayValue(0.5)).toBe('0.5');
  });
});
