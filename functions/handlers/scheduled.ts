// Placeholder for the EventBridge hourly-check target until the hourly-check issue lands.
export const handler = async (): Promise<never> => {
  throw new Error('not built yet');
};
