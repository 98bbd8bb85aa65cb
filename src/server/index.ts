// server: the dashboard's HTTP API and web client. `type Api` is the contract the web client imports.
export type { Api, ApiError, Endpoint, ViewParams } from './api.js';
export { isLoopback, newToken } from './auth.js';
export { LIMITS } from './routes.js';
export { DashboardServer, type ServerOptions } from './server.js';
export { WEB_ROOT } from './static.js';
