/**
 * Model lookup across Pi lines: 0.73 has a `modelRegistry` (find, hasConfiguredAuth(model)) on
 * its services and sessions; 1.x replaced it there with a `modelRuntime` (getModel,
 * hasConfiguredAuth(providerId)). Extensions still get a `modelRegistry` in both.
 */

interface ModelRef {
  provider: string;
}

interface RegistryLike {
  find(provider: string, id: string): unknown;
  hasConfiguredAuth(model: never): boolean;
}

interface RuntimeLike {
  getModel(provider: string, id: string): unknown;
  hasConfiguredAuth(providerId: string): boolean;
}

/** What the host needs: find a model by provider and id, and tell whether it has credentials. */
export interface PiModels {
  find(provider: string, id: string): unknown;
  /** Shaped like 0.73's registry, for `hasUsableModel`. */
  auth: { hasConfiguredAuth(model: never): boolean } | undefined;
}

/** The model lookup of a Pi services or session object, whichever line it comes from. */
export function piModels(source: object): PiModels {
  const { modelRegistry, modelRuntime } = source as { modelRegistry?: RegistryLike; modelRuntime?: RuntimeLike };
  if (modelRegistry) return { find: (p, id) => modelRegistry.find(p, id), auth: modelRegistry };
  if (modelRuntime) {
    return {
      find: (p, id) => modelRuntime.getModel(p, id),
      auth: { hasConfiguredAuth: (model: never) => modelRuntime.hasConfiguredAuth((model as ModelRef).provider) },
    };
  }
  return { find: () => undefined, auth: undefined };
}
