// runs 部分的简体中文文本（见 ../zh-CN.ts）。
import type { Resources } from '../types';

export const runsZhCN: Resources['runs'] = {};
