import { createUser } from "./create-user.js";
import { listUsers } from "./list-users.js";

/** Every feature of the app: a name, the route it serves, and its handler. */
export const features = [createUser, listUsers];
