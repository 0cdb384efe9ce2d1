/** The parts of a Pi model and registry that tell whether it can be called. */
interface ModelLike {
  provider: string;
  id: string;
  api: string;
}
interface RegistryLike {
  hasConfiguredAuth(model: never): boolean;
}

/**
 * Whether the session has a model it can call. With no model configured Pi hands out a
 * placeholder (`unknown/unknown`); a model without credentials cannot be called either. Then
 * the sidecar only watches: events stay pending instead of failing one by one.
 */
export function hasUsableModel(model: ModelLike | undefined, registry: RegistryLike | undefined): boolean {
  if (!model || (model.provider === "unknown" && model.api === "unknown")) return false;
  try {
    return registry ? registry.hasConfiguredAuth(model as never) : true;
  } catch {
    return false;
  }
}
