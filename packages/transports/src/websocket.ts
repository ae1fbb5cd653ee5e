// WebSocket streams (ws:// and wss://), client and server, over the `ws` library: bytes as
// binary messages, backpressure, maxPayload, ping/pong liveness, close codes mapped to errors.
// `ws` itself is loaded by the first connect or listen, not by importing this module.
export {
  connectWebSocket,
  type WebSocketConnectOptions,
  webSocketStream,
} from './websocket-connect.js';
export { WebSocketDuplex, type WebSocketStreamOptions } from './websocket-duplex.js';
export {
  listenWebSocket,
  type WebSocketListenOptions,
  type WebSocketTlsOptions,
} from './websocket-listen.js';
