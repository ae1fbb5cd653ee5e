// The engine client a session's own requests go through (inspect, create, start, resize,
// remove, exec): against the real engine over every engine kind (unix, TCP with mutual TLS,
// ssh:// dial-stdio), the engine's JSON and refusals as they come, over kept-alive
// connections; against a fake engine on a Unix socket, what a real one will not do on
// demand (a kept connection closed under it, `Connection: close`, silence, bad JSON).
import type { Duplex } from 'node:stream';
import { ProtocolError, TimeoutError } from '@sluice/stream-core';
import { TEST_IMAGE, TEST_LABEL } from '@sluice/test-env';
import { describe, expect, it } from 'vitest';
import { connectorOf } from '../src/connector.js';
import {
  createContainer,
  inspectContainer,
  removeContainer,
  startContainer,
} from '../src/engine-api.js';
import { clientOf } from '../src/engine-client.js';
import { type Engine, EngineError, resolveEngine } from '../src/index.js';
import { testEngines } from './engines.js';
import { fakeEngine, json } from './fake-engine.js';

/** `engine` with every new connection counted. */
async function counted(engine: Engine): Promise<{ engine: Engine; opened: () => number }> {
  let opened = 0;
  const wrapped = await resolveEngine({
    host: engine.address,
    connect: async () => {
      opened++;
      return engine.connect();
    },
  });
  return { engine: wrapped, opened: () => opened };
}

for (const { name, engine } of await testEngines()) {
  describe.skipIf(!engine.available)(`the engine client over the ${name}`, () => {
    const real = engine.available ? engine.value : (undefined as never);

    it('create, inspect, start, inspect, remove: the engine’s JSON, over one kept connection', async () => {
      const { engine: target, opened } = await counted(real);
      const client = clientOf(connectorOf(target));
      const id = await createContainer(
        client,
        { Image: TEST_IMAGE, Cmd: ['sleep', '30'], Labels: { [TEST_LABEL]: 'pty-attach' } },
        'create a test container',
      );
      try {
        expect((await inspectContainer(client, id)).State.Running).toBe(false);
        await startContainer(client, id);
        const info = await inspectContainer(client, id);
        expect(info.Id).toBe(id);
        expect(info.State.Running).toBe(true);
      } finally {
        await removeContainer(client, id);
      }
      // Five requests, one after the other: the first connection served them all.
      expect(opened()).toBe(1);
      expect(client.pool.idleCount).toBe(1);
      const gone = await inspectContainer(client, id).catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(EngineError);
      expect((gone as EngineError).statusCode).toBe(404);
      expect((gone as EngineError).detail).toMatch(/No such container/);
      expect((gone as EngineError).message).toMatch(
        `inspect container ${id}: the engine answered 404`,
      );
    });
  });
}

describe('the engine client against a fake engine', () => {
  it('keeps one connection for requests in a row, and none past the idle time', async () => {
    await using fake = await fakeEngine({ 'GET /containers/*/json': json(200, { Id: 'c1' }) });
    const { connect } = await resolveEngine({ host: fake.host });
    const connections: Duplex[] = [];
    const engine = await resolveEngine({
      host: fake.host,
      connect: async () => {
        const c = (await connect()) as Duplex;
        connections.push(c);
        return c;
      },
    });
    const client = clientOf(connectorOf(engine));
    for (let i = 0; i < 3; i++) expect((await inspectContainer(client, 'c1')).Id).toBe('c1');
    expect(connections).toHaveLength(1);
    expect(fake.requests).toHaveLength(3);
    // `onSent` (run() loads the attach's modules there) comes once the request is written.
    const events: string[] = [];
    const reply = client
      .json({
        method: 'GET',
        path: '/containers/c1/json',
        what: 'x',
        onSent: () => events.push('sent'),
      })
      .then(() => events.push('reply'));
    events.push('called');
    await reply;
    expect(events).toEqual(['called', 'sent', 'reply']);
    // Closed once idle (IDLE_MS): nothing is left to keep a program alive.
    await new Promise((r) => setTimeout(r, 1300));
    expect(client.pool.idleCount).toBe(0);
    expect(connections[0]?.destroyed).toBe(true);
  });

  it('a kept connection the engine drops as it is reused: a GET is sent again on a new one', async () => {
    const served = new WeakSet<object>();
    let answered = 0;
    await using fake = await fakeEngine({
      'GET /containers/*/json': (req, res) => {
        // The engine closes a kept connection just as the next request arrives on it.
        if (served.has(req.socket)) {
          req.socket.destroy();
          return;
        }
        served.add(req.socket);
        answered++;
        json(200, { Id: `c${answered}` })(req, res, '');
      },
    });
    const engine = await resolveEngine({ host: fake.host });
    const client = clientOf(connectorOf(engine));
    expect((await inspectContainer(client, 'x')).Id).toBe('c1');
    expect(client.pool.idleCount).toBe(1);
    expect((await inspectContainer(client, 'x')).Id).toBe('c2');
    // A POST is not repeated: the engine may have acted on it.
    const post = await startContainer(client, 'x').catch((e: unknown) => e);
    expect(post).toBeInstanceOf(Error);
    expect(fake.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
  });

  it('Connection: close is honoured (the connection is not kept)', async () => {
    await using fake = await fakeEngine({
      'GET /containers/*/json': (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' });
        res.end('{"Id":"c1"}');
      },
    });
    const engine = await resolveEngine({ host: fake.host });
    const client = clientOf(connectorOf(engine));
    expect((await inspectContainer(client, 'c1')).Id).toBe('c1');
    expect(client.pool.idleCount).toBe(0);
  });

  it('an engine that does not answer: TimeoutError after the bound; bad JSON: ProtocolError', async () => {
    await using fake = await fakeEngine({
      'GET /containers/silent/json': () => undefined,
      'GET /containers/garbled/json': json(200, 'not json{'),
    });
    const engine = await resolveEngine({ host: fake.host });
    const client = clientOf(connectorOf(engine));
    const silent = await inspectContainer(client, 'silent', { timeoutMs: 200 }).catch(
      (e: unknown) => e,
    );
    expect(silent).toBeInstanceOf(TimeoutError);
    expect((silent as TimeoutError).timeoutMs).toBe(200);
    await expect(inspectContainer(client, 'garbled')).rejects.toThrow(ProtocolError);
    await expect(inspectContainer(client, 'garbled')).rejects.toThrow(
      /inspect container garbled: the engine's reply is not a JSON object/,
    );
  });
});
