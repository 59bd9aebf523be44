// Chooses the DeskApi transport for this page: the preload's `window.desk` inside Electron, a
// WebSocket to the desk host's /desk endpoint on the same origin in web mode.
import type { DeskClient } from '../../shared/desk-api.js';
import { wrapBridgedDeskClient } from './bridge-client.js';
import { createWebSocketDeskClient, type WebSocketDeskClient } from './websocket-client.js';

let client: DeskClient | WebSocketDeskClient | null = null;

export function deskSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/desk`;
}

export function getDeskClient(): DeskClient | WebSocketDeskClient {
  if (client) return client;
  client = window.desk ? wrapBridgedDeskClient(window.desk) : createWebSocketDeskClient(deskSocketUrl(window.location));
  return client;
}

export function isWebSocketDeskClient(desk: DeskClient): desk is WebSocketDeskClient {
  return typeof (desk as Partial<WebSocketDeskClient>).onConnection === 'function';
}
