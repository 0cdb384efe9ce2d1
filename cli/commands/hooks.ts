import { defineCommand } from "citty";
import { hooksInstallCommand } from "./hooks-install.js";
import { hooksRunCommand } from "./hooks-run.js";
import { hooksStatusCommand } from "./hooks-status.js";
import { hooksUninstallCommand } from "./hooks-uninstall.js";

/** `manifest hooks …`: Spark's block in the repository's git hooks. */
export const hooks = defineCommand({
  meta: {
    name: "hooks",
    description: "Git hooks: pause Spark during rebases, run the config's checks through `manifest run`",
  },
  subCommands: {
    install: hooksInstallCommand,
    uninstall: hooksUninstallCommand,
    status: hooksStatusCommand,
    run: hooksRunCommand,
  },
});
