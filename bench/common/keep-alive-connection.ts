import { connect, type Socket } from 'node:net';
import type { PostAnswer } from './json-poster';

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * The bytes of one HTTP/1.1 `POST` of a JSON body, built once so that sending it again costs
 * only a socket write.
 *
 * @example
 * const request = postRequestBytes(new URL('http://127.0.0.1:8080/v1/feedback'), Buffer.from('{"events":[]}'));
 */
export function postRequestBytes(url: URL, body: Buffer): Buffer {
  const head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** Where a complete answer ends in `data`, with its status and body; undefined while incomplete. */
function parseAnswer(data: Buffer): { end: number; status: number; body: Buffer; close: boolean } | undefined {
  const headerEnd = data.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const head = data.toString('latin1', 0, headerEnd).toLowerCase();
  const status = Number(head.slice(9, 12));
  const bodyStart = headerEnd + HEADER_END.length;
  const close = /\r\nconnection: *close/.test(head);
  const length = /\r\ncontent-length: *(\d+)/.exec(head);
  if (length) {
    const end = bodyStart + Number(length[1]);
    return end <= data.length ? { end, status, body: data.subarray(bodyStart, end), close } : undefined;
  }
  if (!/\r\ntransfer-encoding: *chunked/.test(head)) throw new Error('answer without content-length or chunked encoding');
  const chunks: Buffer[] = [];
  for (let at = bodyStart; ; ) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.toString('latin1', at, lineEnd), 16);
    const chunkEnd = lineEnd + 2 + size;
    if (chunkEnd + 2 > data.length) return undefined;
    if (size === 0) {
      // No trailers are expected: the answer ends with the empty line after the last chunk.
      return { end: chunkEnd + 2, status, body: Buffer.concat(chunks), close };
    }
    chunks.push(data.subarray(lineEnd + 2, chunkEnd));
    at = chunkEnd + 2;
  }
}

/**
 * One keep-alive HTTP/1.1 connection that sends prebuilt requests one at a time and reads each
 * answer with a minimal parser (content-length or chunked). A load generator built on it costs
 * a few microseconds per request, so on a machine it shares with the server it measures the
 * server rather than its own HTTP client. Reconnects when the server closes the connection;
 * a failed connection resolves with status 0.
 *
 * @example
 * const connection = openKeepAliveConnection(new URL('http://127.0.0.1:8080/v1/feedback'));
 * const { status, text } = await connection.send(postRequestBytes(url, body));
 * connection.close();
 */
export function openKeepAliveConnection(url: URL) {
  let socket: Socket | undefined;
  let received: Buffer = Buffer.alloc(0);
  let waiting: ((answer: PostAnswer) => void) | undefined;

  const finish = (answer: PostAnswer) => {
    const wake = waiting;
    waiting = undefined;
    wake?.(answer);
  };
  const drop = (message: string) => {
    socket?.destroy();
    socket = undefined;
    received = Buffer.alloc(0);
    finish({ status: 0, text: message });
  };
  const open = (): Socket => {
    const s = connect({ host: url.hostname, port: Number(url.port || 80), noDelay: true });
    s.on('data', (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      let answer: ReturnType<typeof parseAnswer>;
      try {
        answer = parseAnswer(received);
      } catch (error) {
        return drop((error as Error).message);
      }
      if (!answer) return;
      received = received.subarray(answer.end);
      if (answer.close) {
        s.destroy();
        if (socket === s) socket = undefined;
      }
      finish({ status: answer.status, text: answer.body.toString() });
    });
    s.on('error', (error) => socket === s && drop(error.message));
    s.on('close', () => socket === s && drop('connection closed by the server'));
    return s;
  };

  return {
    /** Sends one request (from `postRequestBytes`) and resolves with its answer. */
    send(request: Buffer): Promise<PostAnswer> {
      if (waiting) throw new Error('one request at a time on a connection');
      return new Promise<PostAnswer>((resolve) => {
        waiting = resolve;
        socket ??= open();
        socket.write(request);
      });
    },
    close() {
      const s = socket;
      socket = undefined;
      s?.destroy();
    },
  };
}
