/** The oldest Node.js major GitHub Connect runs on; package.json's `engines` says the same. */
export const MINIMUM_NODE_MAJOR = 22;

/**
 * The one line to stop on when this Node.js is too old, or null. Kept free of imports and newer
 * syntax: it runs before anything that could fail on an old Node in a less readable way.
 */
export function nodeVersionProblem(version: string): string | null {
  const major = Number(version.split(".")[0]);
  if (Number.isInteger(major) && major >= MINIMUM_NODE_MAJOR) return null;
  return (
    `GitHub Connect needs Node.js ${MINIMUM_NODE_MAJOR} or newer; this is v${version}. ` +
    `Install Node ${MINIMUM_NODE_MAJOR} LTS (https://nodejs.org, or \`nvm install ${MINIMUM_NODE_MAJOR}\`), then run npm install and npm start again.`
  );
}
