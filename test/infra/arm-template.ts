/**
 * A compiled ARM template (what `bicep build` writes) seen as a tree of deployments: the entry template
 * and, recursively, each module's nested template, with its parameters bound to what the caller passes.
 * Resources are listed with the deployment they belong to, and any JSON value of a template can be
 * evaluated in that deployment's scope (see arm-expression.ts).
 */
import {
  evaluate,
  isExpression,
  Opaque,
  parseExpression,
  show,
  type EvalScope,
  type Value,
} from "./arm-expression.js";

export interface ArmParameter {
  type: string;
  defaultValue?: unknown;
  [key: string]: unknown;
}

export interface ArmResource {
  type: string;
  apiVersion?: string;
  name: string;
  properties?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ArmTemplate {
  $schema: string;
  languageVersion?: string;
  parameters?: Record<string, ArmParameter>;
  variables?: Record<string, unknown>;
  resources: ArmResource[] | Record<string, ArmResource>;
  outputs?: Record<string, { type: string; value: unknown }>;
  [key: string]: unknown;
}

export type DeploymentLevel = "tenant" | "managementGroup" | "subscription" | "resourceGroup";

export interface Deployment {
  /** "main", "main/function-app", "main/[format('workspace-reader-{0}-{1}', ...)]". */
  path: string;
  template: ArmTemplate;
  level: DeploymentLevel;
  /** The Microsoft.Resources/deployments resource that runs this template (none for the entry template). */
  call?: ArmResource;
  parent?: Deployment;
  scope: EvalScope;
}

export interface Placed {
  resource: ArmResource;
  deployment: Deployment;
  /** The deployment's scope, with copyIndex() bound when the resource is one iteration of a copy loop. */
  scope: EvalScope;
}

interface CopyLoop {
  name: string;
  count: unknown;
  input?: unknown;
}

function withCopyIndex(scope: EvalScope, loop: string, index: number, isResourceLoop: boolean): EvalScope {
  return {
    ...scope,
    copyIndex: (name) =>
      name === loop || (name === undefined && isResourceLoop) ? index : scope.copyIndex?.(name),
  };
}

const DEPLOYMENTS = "Microsoft.Resources/deployments";

export function resourceList(template: ArmTemplate): ArmResource[] {
  return Array.isArray(template.resources) ? template.resources : Object.values(template.resources);
}

function levelOf(template: ArmTemplate): DeploymentLevel {
  const schema = template.$schema.toLowerCase();
  if (schema.includes("subscriptiondeploymenttemplate")) return "subscription";
  if (schema.includes("managementgroupdeploymenttemplate")) return "managementGroup";
  if (schema.includes("tenantdeploymenttemplate")) return "tenant";
  return "resourceGroup";
}

/** Evaluates a JSON value of a template: expression strings are evaluated, objects and arrays walked. */
export function evaluateValue(value: unknown, scope: EvalScope): Value {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "copy" in value) {
    // Property copy loops: "copy": [{ name, count, input }] become arrays under their names.
    const { copy, ...rest } = value as { copy: CopyLoop[] };
    const out = evaluateValue(rest, scope) as { [key: string]: Value };
    for (const loop of copy) {
      const count = evaluateValue(loop.count, scope);
      out[loop.name] =
        typeof count === "number"
          ? Array.from({ length: count }, (_x, i) =>
              evaluateValue(loop.input, withCopyIndex(scope, loop.name, i, false)),
            )
          : new Opaque(`[for each of ${show(count)}: ${show(evaluateValue(loop.input, scope))}]`);
    }
    return out;
  }
  if (typeof value === "string")
    return isExpression(value) ? evaluate(parseExpression(value), scope) : value.replace(/^\[\[/, "[");
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, scope));
  if (value !== null && typeof value === "object") {
    const out: { [key: string]: Value } = {};
    for (const [k, v] of Object.entries(value)) {
      // A key may be an expression too (a user-assigned identity's resource ID).
      const key = evaluateValue(k, scope);
      out[typeof key === "string" ? key : show(key)] = evaluateValue(v, scope);
    }
    return out;
  }
  return (value ?? null) as Value;
}

function makeScope(
  template: ArmTemplate,
  passed: (name: string) => Value | undefined,
  self: () => Deployment,
): EvalScope {
  const cache = new Map<string, Value>();
  const memo = (key: string, compute: () => Value): Value => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    cache.set(key, new Opaque(`${key} (circular)`));
    const v = compute();
    cache.set(key, v);
    return v;
  };
  const scope: EvalScope = {
    parameter: (name) =>
      memo(`parameters('${name}')`, () => {
        const given = passed(name);
        if (given !== undefined) return given;
        const p = template.parameters?.[name];
        if (p && "defaultValue" in p) return evaluateValue(p.defaultValue, scope);
        return new Opaque(`parameters('${name}')`);
      }),
    variable: (name) =>
      memo(`variables('${name}')`, () =>
        template.variables && name in template.variables
          ? evaluateValue(template.variables[name], scope)
          : new Opaque(`variables('${name}')`),
      ),
    resource: (symbol) => {
      const r = Array.isArray(template.resources) ? undefined : template.resources[symbol];
      return r ? { type: r.type, name: evaluateValue(r.name, scope) } : undefined;
    },
    moduleOutput: (deployment, output) => {
      const child = childDeployments(self()).find((d) => d.call?.name === deployment);
      const value = child?.template.outputs?.[output]?.value;
      return child && value !== undefined ? evaluateValue(value, child.scope) : undefined;
    },
  };
  return scope;
}

const children = new WeakMap<Deployment, Deployment[]>();

function childDeployments(parent: Deployment): Deployment[] {
  const known = children.get(parent);
  if (known) return known;
  const list: Deployment[] = [];
  for (const call of resourceList(parent.template)) {
    if (call.type !== DEPLOYMENTS) continue;
    const template = call.properties?.template as ArmTemplate | undefined;
    if (!template) continue;
    const given = (call.properties?.parameters ?? {}) as Record<string, { value?: unknown }>;
    const child: Deployment = {
      path: `${parent.path}/${call.name}`,
      template,
      level: levelOf(template),
      call,
      parent,
      scope: makeScope(
        template,
        (name) =>
          given[name] && "value" in given[name] ? evaluateValue(given[name].value, parent.scope) : undefined,
        () => child,
      ),
    };
    list.push(child);
  }
  children.set(parent, list);
  return list;
}

/** The entry template and every nested module template under it, parents first. */
export function deployments(template: ArmTemplate, name = "main"): Deployment[] {
  const root: Deployment = {
    path: name,
    template,
    level: levelOf(template),
    // The entry template's parameters are the deployment's inputs: unknown here, whatever their defaults.
    scope: makeScope(
      template,
      (name) => new Opaque(`parameters('${name}')`),
      () => root,
    ),
  };
  const out: Deployment[] = [];
  const visit = (d: Deployment): void => {
    out.push(d);
    childDeployments(d).forEach(visit);
  };
  visit(root);
  return out;
}

/**
 * Resources of a type (exact, case-insensitive) in every deployment, `existing` ones left out. A copy loop
 * with a count known from the template itself is expanded into its iterations.
 */
export function resourcesOfType(all: Deployment[], type: string): Placed[] {
  return all.flatMap((deployment) =>
    resourceList(deployment.template)
      .filter((r) => r.type.toLowerCase() === type.toLowerCase() && r.existing !== true)
      .flatMap((resource) => {
        const loop = resource.copy as CopyLoop | undefined;
        const count = loop ? evaluateValue(loop.count, deployment.scope) : undefined;
        if (!loop || typeof count !== "number") return [{ resource, deployment, scope: deployment.scope }];
        return Array.from({ length: count }, (_x, i) => ({
          resource,
          deployment,
          scope: withCopyIndex(deployment.scope, loop.name, i, true),
        }));
      }),
  );
}

/** A resource's property (dotted path), evaluated in its deployment (property copy loops expanded). */
export function prop(p: Placed, path: string): Value {
  const [head = "", ...rest] = path.split(".");
  let v: Value = head in p.resource ? evaluateValue(p.resource[head], p.scope) : null;
  for (const key of rest) {
    if (v instanceof Opaque) return new Opaque(`${v.text}.${key}`);
    v = v !== null && typeof v === "object" && !Array.isArray(v) ? (v[key] ?? null) : null;
  }
  return v;
}

/** The resource's name as text (a child resource's name ends with its own segment: ".../ftp"). */
export function nameOf(p: Placed): string {
  const v = evaluateValue(p.resource.name, p.scope);
  return typeof v === "string" ? v : show(v);
}

/** Where a resource is: "main/function-app: Microsoft.Web/sites". */
export function where(p: Placed): string {
  return `${p.deployment.path}: ${p.resource.type} ${nameOf(p)}`;
}

/** Any value as text, for pattern checks on what it is made of. */
export function text(v: Value): string {
  return typeof v === "string" ? v : show(v);
}

/** A property of the Microsoft.Resources/deployments resource that runs a module ("subscriptionId", "copy.count"), evaluated where it is called. */
export function callValue(d: Deployment, path: string): Value {
  let v: unknown = d.call;
  for (const key of path.split("."))
    v = v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
  return v === undefined || !d.parent ? null : evaluateValue(v, d.parent.scope);
}
