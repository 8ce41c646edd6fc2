/** The page's Socket.IO connection for live seat updates. */
import type { io as ioFactory, Socket } from 'socket.io-client';

declare global {
  /**
   * socket.io-client, from /socket.io/socket.io.min.js: served by the API
   * node's own Socket.IO server, so client and server versions always match.
   */
  var io: typeof ioFactory | undefined;
}

export type ConnectionState = 'live' | 'reconnecting';

/**
 * Opens the page's one socket, WebSocket only (works behind any load balancer
 * without sticky sessions); `onState` follows the connection. Null when the
 * Socket.IO client script did not load (blocked): pages then work without
 * live updates.
 */
export function connectLive(onState: (state: ConnectionState) => void): Socket | null {
  if (typeof io !== 'function') return null;
  const socket = io({ transports: ['websocket'], reconnectionDelayMax: 5000 });
  socket.on('connect', () => onState('live'));
  socket.on('disconnect', () => onState('reconnecting'));
  socket.io.on('reconnect_attempt', () => onState('reconnecting'));
  return socket;
}
