/**
 * Compiles the simple FHIRPath expressions search parameters use into plain JS accessors, typed
 * statically from the definitions, so that indexing does not run a FHIRPath interpreter.
 *
 * Supported grammar (everything else throws `UnsupportedExpression`, and the indexer falls back
 * to fhirpath.js for that parameter):
 *   expr      := term ('|' term)*
 *   term      := primary ('.' step)* ('as' Type)?
 *   primary   := '(' expr ')' | ResourceType | 'Resource' | 'DomainResource'
 *   step      := element | 'where(' cond ')' | 'ofType(' Type ')' | 'as(' Type ')'
 *   cond      := 'resolve() is' Type | element '=' 'string literal'
 *
 * A compiled expression is a list of branches, one per (union part × choice-type variant), each
 * with the FHIR type of the values it yields (`deceased` gives a `boolean` branch reading
 * `deceasedBoolean` and a `dateTime` branch reading `deceasedDateTime`).
 *
 * `where(resolve() is X)` is rewritten at compile time into a test on the reference itself
 * (see `referenceTargetType`): the type named by the literal reference, else `Reference.type`.
 * No database access is needed, and a Practitioner subject is not a `patient`.
 */
import type { Definitions, ElementDef } from '../definitions/model.js';
import { referenceTargetType } from './reference-text.js';

export class UnsupportedExpression extends Error {
  constructor(expression: string, reason: string) {
    super(`cannot compile '${expression}': ${reason}`);
    this.name = 'UnsupportedExpression';
  }
}

/** Receives each value a branch yields, with the caller's context object. */
export type Sink<C> = (value: unknown, context: C) => void;

export interface CompiledBranch {
  /** FHIR type code of the yielded values (`Reference`, `dateTime`, `HumanName`, `code`...). */
  type: string;
  /** Builds the accessor: calls `terminal(value, context)` for every value found in a resource. */
  build<C>(terminal: Sink<C>): (resource: unknown, context: C) => void;
}

type AnySink = Sink<unknown>;
type Step = (next: AnySink) => AnySink;

interface Ctx {
  /** Where element definitions are looked up: a type name, or a backbone element's full path. */
  path: string;
  /** FHIR type code of the values at this point. */
  type: string;
}

interface Branch {
  ctx: Ctx;
  steps: Step[];
}

type Token = { t: 'id' | 'str' | 'num' | 'op'; v: string };

function tokenize(expression: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const c = expression[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expression.slice(i))![0];
      out.push({ t: 'id', v: m });
      i += m.length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+/.exec(expression.slice(i))![0];
      out.push({ t: 'num', v: m });
      i += m.length;
    } else if (c === "'") {
      const end = expression.indexOf("'", i + 1);
      if (end < 0) throw new UnsupportedExpression(expression, 'unterminated string');
      const body = expression.slice(i + 1, end);
      if (body.includes('\\')) throw new UnsupportedExpression(expression, 'escaped string');
      out.push({ t: 'str', v: body });
      i = end + 1;
    } else if ('.()|[]='.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
    } else {
      throw new UnsupportedExpression(expression, `operator '${c}'`);
    }
  }
  return out;
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const INLINE_TYPES = new Set(['BackboneElement', 'Element']);

/** Property access over JSON: flattens arrays, drops null/undefined. */
const propStep = (key: string): Step => (next) => (v, c) => {
  const x = (v as Record<string, unknown>)[key];
  if (x === undefined || x === null) return;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const e: unknown = x[i];
      if (e !== undefined && e !== null) next(e, c);
    }
  } else {
    next(x, c);
  }
};

const filterStep = (test: (v: unknown) => boolean): Step => (next) => (v, c) => {
  if (test(v)) next(v, c);
};

/**
 * Compiles `expression` (a search parameter expression already restricted to `resourceType`).
 * Throws UnsupportedExpression when it uses anything outside the supported grammar or names an
 * element the definitions do not know.
 */
export function compilePath(defs: Definitions, resourceType: string, expression: string): CompiledBranch[] {
  const tokens = tokenize(expression);
  let pos = 0;
  const fail = (reason: string): never => {
    throw new UnsupportedExpression(expression, reason);
  };
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (v: string): boolean => peek()?.t === 'op' && peek()!.v === v;
  const expectOp = (v: string): void => {
    if (!isOp(v)) fail(`expected '${v}'`);
    pos++;
  };
  const ident = (): string => {
    const tok = peek();
    if (tok?.t !== 'id') return fail('expected a name');
    pos++;
    return tok.v;
  };
  const isResourceType = (name: string): boolean => defs.types[name]?.kind === 'resource';
  const typeName = (): string => {
    let name = ident();
    if ((name === 'FHIR' || name === 'System') && isOp('.')) {
      pos++;
      name = ident();
    }
    return name;
  };

  const lookup = (ctxPath: string, name: string): ElementDef | undefined => {
    const dot = ctxPath.indexOf('.');
    const owner = dot < 0 ? ctxPath : ctxPath.slice(0, dot);
    return defs.types[owner]?.elements[`${ctxPath}.${name}`];
  };

  const isA = (type: string, wanted: string): boolean => {
    for (let t: string | undefined = type; t; t = defs.types[t]?.base) if (t === wanted) return true;
    return false;
  };

  const navigate = (b: Branch, name: string): Branch[] => {
    const el = lookup(b.ctx.path, name);
    if (el) {
      const steps = [...b.steps, propStep(name)];
      if (el.ref) return [{ ctx: { path: el.ref, type: 'BackboneElement' }, steps }];
      const types = el.types ?? [];
      if (types.length !== 1) fail(`element ${b.ctx.path}.${name} has ${types.length} types`);
      const code = types[0]!.code;
      const path = INLINE_TYPES.has(code) ? `${b.ctx.path}.${name}` : code;
      return [{ ctx: { path, type: code }, steps }];
    }
    const choice = lookup(b.ctx.path, `${name}[x]`);
    if (!choice?.types) return fail(`unknown element ${b.ctx.path}.${name}`);
    return choice.types.map((t) => ({
      ctx: { path: t.code, type: t.code },
      steps: [...b.steps, propStep(name + capitalize(t.code))],
    }));
  };

  const ofType = (branches: Branch[], wanted: string): Branch[] => {
    for (const b of branches) if (b.ctx.type === 'Resource' || b.ctx.type === 'DomainResource') fail('ofType on a resource');
    return branches.filter((b) => isA(b.ctx.type, wanted));
  };

  const condition = (branches: Branch[]): Branch[] => {
    const first = ident();
    if (first === 'resolve') {
      expectOp('(');
      expectOp(')');
      if (ident() !== 'is') fail('only resolve() is Type is supported');
      const wanted = typeName();
      for (const b of branches) if (b.ctx.type !== 'Reference') fail('resolve() on a non-Reference');
      const test = (v: unknown): boolean => referenceTargetType(v, isResourceType) === wanted;
      return branches.map((b) => ({ ctx: b.ctx, steps: [...b.steps, filterStep(test)] }));
    }
    expectOp('=');
    const lit = peek();
    if (lit?.t !== 'str') return fail('only element = string literal is supported');
    pos++;
    return branches.map((b) => {
      const el = lookup(b.ctx.path, first);
      if (!el || el.max !== 1) fail(`where() on unknown or repeating element ${first}`);
      const test = (v: unknown): boolean => (v as Record<string, unknown>)[first] === lit.v;
      return { ctx: b.ctx, steps: [...b.steps, filterStep(test)] };
    });
  };

  const step = (branches: Branch[]): Branch[] => {
    const name = ident();
    if (!isOp('(')) return branches.flatMap((b) => navigate(b, name));
    pos++;
    let out: Branch[];
    if (name === 'where') out = condition(branches);
    else if (name === 'ofType' || name === 'as') out = ofType(branches, typeName());
    else return fail(`function ${name}()`);
    expectOp(')');
    return out;
  };

  const primary = (): Branch[] => {
    if (isOp('(')) {
      pos++;
      const inner = union();
      expectOp(')');
      return inner;
    }
    const root = ident();
    if (root !== resourceType && root !== 'Resource' && root !== 'DomainResource') fail(`root ${root}`);
    return [{ ctx: { path: resourceType, type: resourceType }, steps: [] }];
  };

  const term = (): Branch[] => {
    let branches = primary();
    for (;;) {
      if (isOp('.')) {
        pos++;
        branches = step(branches);
      } else if (isOp('[')) {
        fail('indexer [n]');
      } else if (peek()?.t === 'id' && peek()!.v === 'as') {
        pos++;
        branches = ofType(branches, typeName());
      } else {
        return branches;
      }
    }
  };

  function union(): Branch[] {
    const out = term();
    while (isOp('|')) {
      pos++;
      out.push(...term());
    }
    return out;
  }

  const result = union();
  if (pos !== tokens.length) fail(`unexpected '${peek()!.v}'`);
  return result.map((b) => ({
    type: b.ctx.type,
    build<C>(terminal: Sink<C>) {
      let sink = terminal as AnySink;
      for (let i = b.steps.length - 1; i >= 0; i--) sink = b.steps[i]!(sink);
      return sink as (resource: unknown, context: C) => void;
    },
  }));
}

/**
 * The text fhirpath.js evaluates for an expression the compiler cannot handle: `resolve() is X`
 * rewritten into a test on the reference (literal reference type X, else `type` = X).
 */
export function rewriteResolveForFhirpath(expression: string): string {
  return expression.replace(
    /resolve\(\)\s+is\s+(?:FHIR\.)?([A-Za-z]+)/g,
    (_m, t: string) =>
      `iif(reference.exists(), reference.matches('^(.*/)?${t}/[A-Za-z0-9.-]+(/_history/[^/]+)?$') or ` +
      `(reference.matches('^(.*/)?[A-Z][A-Za-z]+/[A-Za-z0-9.-]+(/_history/[^/]+)?$').not() and type = '${t}'), type = '${t}')`,
  );
}
