import { defineCommand } from "citty";
import { spriteAttachCommand } from "./sprite-attach.js";
import { spriteCreateCommand } from "./sprite-create.js";
import { spriteDeleteCommand } from "./sprite-delete.js";
import { spriteExecCommand } from "./sprite-exec.js";
import { spriteListCommand } from "./sprite-list.js";
import { spriteLoginCommand } from "./sprite-login.js";
import { spriteLogsCommand } from "./sprite-logs.js";
import { spritePushCommand } from "./sprite-push.js";
import { spriteSecrets } from "./sprite-secrets.js";
import { spriteStatusCommand } from "./sprite-status.js";
import { spriteUpCommand } from "./sprite-up.js";

/** `manifest sprite …`: your Fly Sprites (cloud VMs), through the Sprites API. */
export const sprite = defineCommand({
  meta: {
    name: "sprite",
    description: "Fly Sprites: login, create, list, status, up, push, exec, logs, secrets, attach, delete",
  },
  subCommands: {
    login: spriteLoginCommand,
    create: spriteCreateCommand,
    list: spriteListCommand,
    status: spriteStatusCommand,
    up: spriteUpCommand,
    push: spritePushCommand,
    exec: spriteExecCommand,
    logs: spriteLogsCommand,
    secrets: spriteSecrets,
    attach: spriteAttachCommand,
    delete: spriteDeleteCommand,
  },
});
