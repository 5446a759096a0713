import type { Principal } from './principal';

/**
 * What every resolver receives, whatever the transport: who is calling and
 * the request's batch loaders. Each module types `L` as the loaders it uses;
 * the transport's context (src/api) carries all of them.
 */
export interface RequestContext<L = unknown> {
  requestId: string;
  principal: Principal;
  loaders: L;
}
