import { defineCommand } from "citty";
import { spriteSecretsListCommand } from "./sprite-secrets-list.js";
import { spriteSecretsSetCommand } from "./sprite-secrets-set.js";
import { spriteSecretsUnsetCommand } from "./sprite-secrets-unset.js";

/** `manifest sprite secrets …`. */
export const spriteSecrets = defineCommand({
  meta: { name: "secrets", description: "A Sprite's secrets: a 0600 env file its services load" },
  subCommands: { set: spriteSecretsSetCommand, list: spriteSecretsListCommand, unset: spriteSecretsUnsetCommand },
});
