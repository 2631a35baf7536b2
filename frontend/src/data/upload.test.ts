import { describe, expect, it } from 'vitest';
import { fixedT } from '../model/translate';
import { failureText, headline, IDLE, isActive, progressView, statusLine, uploadStep, type UploadEvent, type UploadState } from './upload';

const run = (events: UploadEvent[], from: UploadState = IDLE) => events.reduce(uploadStep, from);

describe('upload progress', () => {
  it('counts bytes up to the whole request, then waits for the server to read the file', () => {
    let s = run([{ type: 'start', file: 'iris.csv', size: 4_800_000 }]);
    expect(s).toEqual({ phase: 'sending', file: 'iris.csv', loaded: 0, total: 4_800_000 });
    expect(progressView(s)).toEqual({ fraction: 0, text: '0 B of 4.8 MB · 0%' });
    // The request is a little larger than the file (the multipart envelope): its total wins.
    s = uploadStep(s, { type: 'progress', loaded: 1_200_000, total: 4_800_400 });
    expect(progressView(s)?.text).toBe('1.2 MB of 4.8 MB · 24%');
    s = uploadStep(s, { type: 'progress', loaded: 4_799_999, total: 4_800_400 });
    expect(progressView(s)?.text).toMatch(/ · 99%$/); // never 100% before the last byte
    s = uploadStep(s, { type: 'progress', loaded: 4_800_400, total: 4_800_400 });
    expect(s.phase).toBe('reading');
    expect(progressView(s)).toEqual({ fraction: null, text: '4.8 MB sent · reading it on the server…' });
    expect(isActive(s)).toBe(true);
    s = uploadStep(s, { type: 'done', recordId: 'd_0123456789ab', created: true });
    expect(s).toEqual({ phase: 'done', file: 'iris.csv', recordId: 'd_0123456789ab', created: true });
    expect(statusLine(s)).toBe('Uploaded iris.csv');
    expect(progressView(s)).toBeNull();
  });

  it('never goes backwards, and ignores events of an upload that has ended', () => {
    let s = run([
      { type: 'start', file: 'a.zip', size: 1000 },
      { type: 'progress', loaded: 600, total: 1000 },
      { type: 'progress', loaded: 300, total: 1000 },
    ]);
    expect(s).toMatchObject({ loaded: 600 });
    s = uploadStep(s, { type: 'cancelled' });
    expect(s).toEqual({ phase: 'cancelled', file: 'a.zip' });
    expect(statusLine(s)).toBe('Upload of a.zip cancelled');
    // The aborted request's late answers change nothing.
    expect(uploadStep(s, { type: 'progress', loaded: 900, total: 1000 })).toBe(s);
    expect(uploadStep(s, { type: 'failed', message: 'x' })).toBe(s);
    expect(uploadStep(s, { type: 'done', recordId: 'd_1', created: true })).toBe(s);
    expect(uploadStep(s, { type: 'dismiss' })).toBe(IDLE);
  });

  it('one upload at a time: a second start while one runs is ignored', () => {
    const s = run([{ type: 'start', file: 'a.csv', size: 10 }]);
    expect(uploadStep(s, { type: 'start', file: 'b.csv', size: 20 })).toBe(s);
    expect(uploadStep(s, { type: 'dismiss' })).toBe(s);
  });

  it("keeps the server's message, which names the row and column", () => {
    const s = run([
      { type: 'start', file: 'bad.csv', size: 10 },
      { type: 'failed', message: "bad.csv: row 3, column 'x': 'abc' is not a number" },
    ]);
    expect(statusLine(s)).toBe("bad.csv was not taken: bad.csv: row 3, column 'x': 'abc' is not a number");
    expect(failureText(413, null)).toBe('the file is larger than the server takes');
    expect(failureText(500, '')).toBe('the server answered 500');
    expect(failureText(null, null)).toBe('the server could not be reached');
  });

  it('says when the same bytes were uploaded before', () => {
    const s = run([
      { type: 'start', file: 'iris.csv', size: 10 },
      { type: 'done', recordId: 'd_1', created: false },
    ]);
    expect(statusLine(s)).toBe('iris.csv was uploaded before: the same data, shown again');
  });

  it('heads the status with what happens to which file, in the language of `t`', () => {
    const sending = run([{ type: 'start', file: 'iris.csv', size: 10 }]);
    expect(headline(sending as Exclude<UploadState, { phase: 'idle' }>)).toBe('Uploading iris.csv');
    const zh = fixedT('zh-CN');
    expect(headline(sending as Exclude<UploadState, { phase: 'idle' }>, zh)).toBe('正在上传 iris.csv');
    expect(progressView(run([{ type: 'progress', loaded: 1_200_000, total: 4_800_000 }], { ...sending, total: 4_800_000 } as UploadState), zh)?.text).toBe(
      '1.2 MB / 4.8 MB · 25%',
    );
    expect(headline(uploadStep(sending, { type: 'cancelled' }) as Exclude<UploadState, { phase: 'idle' }>, zh)).toBe('已取消上传 iris.csv');
    expect(failureText(null, null, zh)).toBe('无法连接到服务器');
  });

  it('a file of 0 bytes finishes sending at once', () => {
    const s = run([{ type: 'start', file: 'empty.txt', size: 0 }]);
    expect(progressView(s)?.text).toBe('0 B of 0 B · 0%');
    expect(uploadStep(s, { type: 'progress', loaded: 180, total: 180 }).phase).toBe('reading');
  });
});
