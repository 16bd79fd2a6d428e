/**
 * The authorization of one request: which scope context allows an interaction on a type (403
 * otherwise), and the access constraint its reads run under.
 */
import { errors } from '../../fhir/errors.js';
import type { ScopeContext } from '../../security/principal.js';
import { contextsAllowing, type Interaction } from '../../security/scopes.js';
import type { AccessConstraint } from '../access-constraint.js';
import { accessFor, type Caller } from './caller.js';

const BROADEST: ScopeContext[] = ['system', 'user', 'patient'];

export class RequestAuth {
  constructor(
    readonly caller: Caller,
    private readonly now: number,
  ) {}

  /** The broadest scope context granting `interaction` on `type`; 403 when none does. */
  context(type: string, interaction: Interaction): ScopeContext {
    if ((interaction === 'read' || interaction === 'search') && this.caller.category === 'device') {
      throw errors.forbidden('Devices may write notes but not read the notebook');
    }
    const granted = contextsAllowing(this.caller.scopes, type, interaction);
    const context = BROADEST.find((c) => granted.includes(c));
    if (!context) throw errors.forbidden(`The token's scopes do not allow ${interaction} on ${type}`);
    return context;
  }

  /** True when `interaction` on `type` runs with system privileges (no circle, no labels). */
  isSystem(type: string, interaction: Interaction): boolean {
    return this.context(type, interaction) === 'system';
  }

  /** The access constraint of a read (`read` or `search`) of `type`; 403 when not allowed. */
  access(type: string, interaction: 'read' | 'search'): AccessConstraint {
    return accessFor(this.caller, this.context(type, interaction), this.now);
  }

  /** Access constraint for resources pulled in alongside (includes), or undefined when the type is not readable. */
  accessIfAllowed(type: string): AccessConstraint | undefined {
    try {
      return this.access(type, 'read');
    } catch {
      return undefined;
    }
  }
}
