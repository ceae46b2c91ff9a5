import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import { ResponseReader } from '../../../scripts/bench/http-response-reader';

const response = (status: number, body: string, extra = ''): string =>
  `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\n${extra}` +
  `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('scripts/bench/http-response-reader', () => {
  it('splits pipelined responses wherever the chunks break', () => {
    const wire = Buffer.from(response(202, '{"a":"é"}') + response(429, '{"error":{}}'));
    for (let cut = 1; cut < wire.length; cut++) {
      const reader = new ResponseReader(1024);
      const got = [...reader.push(wire.subarray(0, cut)), ...reader.push(wire.subarray(cut))];
      expect(got, `cut at ${cut}`).to.deep.equal([
        { status: 202, body: '{"a":"é"}' },
        { status: 429, body: '{"error":{}}' },
      ]);
    }
  });

  it('reads a zero-length body and a content-length that is not the last header', () => {
    const reader = new ResponseReader(1024);
    const wire = `HTTP/1.1 204 No\r\nContent-Length: 0\r\nx-a: b\r\n\r\n` + response(200, '{}');
    expect(reader.push(Buffer.from(wire))).to.deep.equal([
      { status: 204, body: '' },
      { status: 200, body: '{}' },
    ]);
  });

  it('refuses chunked responses and responses over the limit', () => {
    const chunked = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n';
    expect(() => new ResponseReader(1024).push(Buffer.from(chunked))).to.throw(/length-framed/);
    const big = new ResponseReader(64);
    expect(() => big.push(Buffer.from(response(200, 'x'.repeat(100))))).to.throw(/exceeds 64/);
    expect(() => big.push(Buffer.from('x'.repeat(65)))).to.throw(/exceeds 64/);
  });

  it('reads what a Node HTTP server sends to pipelined requests on one connection', async () => {
    const server = http.createServer((req, res) => {
      const body = JSON.stringify({ url: req.url });
      res.writeHead(req.url === '/a' ? 202 : 400, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const socket = net.connect(port, '127.0.0.1');
      const reader = new ResponseReader(1024);
      const got = await new Promise((resolve, reject) => {
        const all: unknown[] = [];
        socket.on('data', (chunk: Buffer) => {
          try {
            all.push(...reader.push(chunk));
          } catch (err) {
            reject(err);
          }
          if (all.length === 2) resolve(all);
        });
        socket.on('error', reject);
        socket.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      socket.destroy();
      expect(got).to.deep.equal([
        { status: 202, body: '{"url":"/a"}' },
        { status: 400, body: '{"url":"/b"}' },
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
