/**
 * The call context of the seed's requests. The seed is a trusted in-process bulk loader: it calls
 * the engine without a token principal, i.e. as a system client that writes on behalf of the
 * authors it names (as an integration would).
 */
import type { Engine } from '../../engine/engine.js';

export type SeedCallContext = Parameters<Engine['handle']>[1];

/** What the seed needs of the engine (the real `Engine` fits). */
export type EngineLike = Pick<Engine, 'handle'>;

export function seedContext(baseUrl: string): SeedCallContext {
  return { baseUrl };
}
