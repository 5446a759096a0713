/** Runs cleanup steps in order; a failing step is reported and the rest still run. */
export async function cleanUp(steps: [string, () => Promise<unknown> | unknown][]): Promise<void> {
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (err) {
      console.error(`bench cleanup: ${name} failed: ${(err as Error).message}`);
    }
  }
}
