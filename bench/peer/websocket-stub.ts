/**
 * Medplum 5.x targets Node >= 22, where `WebSocket` is a global; @medplum/core reads it while its
 * module loads. On Node 20 we install an inert stand-in first (the benchmark never opens a
 * WebSocket; constructing one throws). Must run before `@medplum/*` is imported.
 */
class InertWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  constructor() {
    super();
    throw new Error('WebSocket is not available in the benchmark peer (Node 20 stand-in)');
  }
}

export function installWebSocketStub(): void {
  const g = globalThis as { WebSocket?: unknown };
  if (typeof g.WebSocket === 'undefined') g.WebSocket = InertWebSocket;
}
