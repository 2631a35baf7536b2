import { describe, expect, it } from 'vitest';
import type { StatusEvent } from '../../api/types';
import type { MessageCatalog } from '../../i18n/messages';
import { statusLine } from './statusLine';

const catalog: MessageCatalog = {
  'health.diverged_no_checkpoint': {
    en: 'loss became {loss} at step {step}; its update was not applied; no checkpoint was written',
    'zh-CN': '第 {step} 步的损失变成了 {loss}（训练发散）；这一步的更新没有应用；还没有写过检查点',
  },
};
const english = 'loss became nan at step 7; its update was not applied; no checkpoint was written';
const status = (message: string, key = ''): StatusEvent =>
  ({ seq: 9, run: 'r_1', step: 7, epoch: 0, time: 1, type: 'status', status: 'diverged', message, key, params: { loss: 'nan', step: 7 } }) as StatusEvent;

describe("the run header's status line", () => {
  it("writes a failure in the reader's language when the status line that ended the run says it", () => {
    const ended = status(english, 'health.diverged_no_checkpoint');
    expect(statusLine(english, ended, 'zh-CN', catalog)).toBe('第 7 步的损失变成了 nan（训练发散）；这一步的更新没有应用；还没有写过检查点');
    expect(statusLine(english, ended, 'en', catalog)).toBe(english);
  });

  it('keeps a failure the status line does not say (a lost worker, an exception) as the server wrote it', () => {
    const other = status('something else', 'health.diverged_no_checkpoint');
    expect(statusLine('worker lost 3 times', other, 'zh-CN', catalog)).toBe('worker lost 3 times');
    expect(statusLine('ValueError: bad', null, 'zh-CN', catalog)).toBe('ValueError: bad');
  });

  it('falls back to the status line itself, translated where it has a key', () => {
    expect(statusLine(null, status(english, 'health.diverged_no_checkpoint'), 'zh-CN', catalog)).toMatch(/^第 7 步/);
    expect(statusLine(null, status('resumed'), 'zh-CN', catalog)).toBe('resumed');
    expect(statusLine(null, null, 'zh-CN', catalog)).toBe('');
  });
});
