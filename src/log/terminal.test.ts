import { describe, expect, it } from 'vitest';
import { readableLogLine, terminalFor } from './terminal';

function fakeTerminal() {
  const out: string[] = [];
  const stream = { isTTY: true, columns: 40, write: (chunk: string) => out.push(chunk) } as unknown as NodeJS.WriteStream;
  return { out, terminal: terminalFor(stream)! };
}

describe('terminal output', () => {
  it('shows log lines readably: time, level, component, message, fields', () => {
    const line = '{"level":40,"time":"2026-12-03T10:11:12.345Z","component":"trainer","step":7,"loss":0.25,"tags":["a"],"msg":"skipped a step"}';
    expect(readableLogLine(line)).toBe('10:11:12 WARN  trainer: skipped a step step=7 loss=0.25 tags=["a"]');
    expect(readableLogLine('not json\n')).toBe('not json');
  });

  it('keeps the status line below the logs: clears it, writes the log line, draws it again', () => {
    const { out, terminal } = fakeTerminal();
    terminal.status('training [####......] 40/100 and a tail longer than the terminal is wide');
    terminal.write('{"level":30,"time":"2026-12-03T10:00:00.000Z","component":"train","msg":"checkpoint saved"}');
    terminal.status(undefined);
    terminal.write('{"level":30,"time":"2026-12-03T10:00:01.000Z","component":"train","msg":"done"}');
    expect(out).toEqual([
      '\r\x1b[Ktraining [####......] 40/100 and a tail',
      '\r\x1b[K10:00:00 INFO  train: checkpoint saved\ntraining [####......] 40/100 and a tail',
      '\r\x1b[K',
      '10:00:01 INFO  train: done\n',
    ]);
  });

  it('is off for pipes and files, where logs stay JSON', () => {
    expect(terminalFor({ isTTY: false } as unknown as NodeJS.WriteStream)).toBeUndefined();
  });
});
