import { fileURLToPath } from "node:url";

/** Folders shipped beside src/: found from this file, not from the working directory. */
export const projectRoot = fileURLToPath(new URL("../../", import.meta.url));
export const defaultViewsDir = fileURLToPath(new URL("../../views/", import.meta.url));
export const defaultPublicDir = fileURLToPath(new URL("../../public/", import.meta.url));
