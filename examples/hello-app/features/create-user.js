import { users } from "./users-store.js";

/** Creates a user from `{ name, email, password }` and returns it with a display name. */
export const createUser = {
  name: "create-user",
  route: "POST /users",
  async handle(input) {
    if (typeof input.name !== "string" || input.name.trim() === "") {
      throw Object.assign(new Error("name is required"), { status: 400 });
    }
    const [first, last] = input.name.trim().split(" ");
    const user = {
      id: users.length + 1,
      email: input.email,
      displayName: `${first} ${last.toUpperCase()}`,
    };
    users.push(user);
    return user;
  },
};
