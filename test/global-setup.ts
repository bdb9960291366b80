/** Runs once before the suite. Later steps (building dist/, generating test models) are added here. */
export default async function setup(): Promise<void> {}
