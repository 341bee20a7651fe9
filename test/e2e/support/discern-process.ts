import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const LOG_LINES_KEPT = 400;

export type DiscernCommand = 'start' | 'api' | 'trainer' | 'reembed';

export interface DiscernProcessOptions {
  /** Settings for the child, on top of the parent's environment (e.g. `DISCERN_QUEUE`). */
  env: Record<string, string>;
  /** Extra command-line arguments after the command. */
  args?: string[];
}

/** How a child process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A `discern` CLI command (`node --import tsx src/cli/main.ts <command>`) as a child process,
 * exactly as an operator runs it. Its structured logs are kept (the last few hundred lines) for
 * failure messages, and the API's address is read from its "API listening" log line, so
 * `PORT=0` works and no port can be taken by someone else in between.
 *
 * @example
 * const api = startDiscernProcess('api', { env: { DISCERN_QUEUE: 'kafka', KAFKA_BROKERS: brokers, PORT: '0' } });
 * const url = await api.url();
 * await api.kill('SIGKILL');
 */
export function startDiscernProcess(command: DiscernCommand, options: DiscernProcessOptions) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', command, ...(options.args ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const messages = new Map<string, number>();
  let listening: (url: string) => void = () => undefined;
  const url = new Promise<string>((resolve) => (listening = resolve));
  const exit = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const keep = (stream: NodeJS.ReadableStream | null) => {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (lines.length > LOG_LINES_KEPT) lines.shift();
        let entry: { msg?: string; url?: string } | undefined;
        try {
          entry = JSON.parse(line);
        } catch {
          // Not a structured log line (e.g. a runtime warning).
        }
        if (typeof entry?.msg === 'string') messages.set(entry.msg, (messages.get(entry.msg) ?? 0) + 1);
        if (entry?.msg === 'API listening' && entry.url) listening(entry.url);
      }
    });
  };
  keep(child.stdout);
  keep(child.stderr);

  const describe = () => `discern ${command} (pid ${child.pid})`;
  const alive = () => child.exitCode === null && child.signalCode === null;

  return {
    command,
    child,
    get pid(): number {
      return child.pid!;
    },
    alive,
    /** Resolves with how it ended. */
    exited: () => exit,
    /** Whether any log line so far carried this exact `msg`. */
    logged: (msg: string) => messages.has(msg),
    /** How many log lines so far carried this exact `msg`. */
    logCount: (msg: string) => messages.get(msg) ?? 0,
    /** The last log lines, for failure messages. */
    logTail: (n = 40) => lines.slice(-n).join('\n'),
    /** The API's base URL, once it listens; rejects if the process ends or `timeoutMs` passes first. */
    async url(timeoutMs = 120_000): Promise<string> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${describe()} did not listen within ${timeoutMs} ms:\n${lines.slice(-40).join('\n')}`)), timeoutMs);
      });
      const ended = exit.then((e): never => {
        throw new Error(`${describe()} exited (${e.code ?? e.signal}) before listening:\n${lines.slice(-40).join('\n')}`);
      });
      try {
        return await Promise.race([url, timeout, ended]);
      } finally {
        clearTimeout(timer);
      }
    },
    /**
     * Sends `signal` (SIGKILL: a crash) and waits until the process is gone; one that ignores a
     * gentler signal for `graceMs` is killed, so cleanup never hangs.
     */
    async kill(signal: NodeJS.Signals = 'SIGKILL', graceMs = 30_000): Promise<Exit> {
      if (!alive()) return exit;
      child.kill(signal);
      if (signal === 'SIGKILL') return exit;
      const timer = setTimeout(() => alive() && child.kill('SIGKILL'), graceMs);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
    describe,
  };
}

export type DiscernProcess = ReturnType<typeof startDiscernProcess>;
