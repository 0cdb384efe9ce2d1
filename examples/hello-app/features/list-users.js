import { users } from "./users-store.js";

/** Lists the users created so far. */
export const listUsers = {
  name: "list-users",
  route: "GET /users",
  async handle() {
    return users;
  },
};
