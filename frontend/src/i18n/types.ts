// The shape every translation has: the English source's keys, each a string. A plural's
// `_one` form is optional, since languages such as Chinese have only `_other`.
import type { English } from './en';

export type DeepStringRecord<T> = {
  [K in keyof T as K extends `${string}_one` ? never : K]: T[K] extends string ? string : DeepStringRecord<T[K]>;
} & {
  [K in keyof T as K extends `${string}_one` ? K : never]?: string;
};

export type Resources = DeepStringRecord<English>;
