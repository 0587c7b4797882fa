import type { ApiClient } from '../../shared/api.ts';

let current: ApiClient | null = null;

/** Set once at start-up (main.tsx), or by a test with a fake service. */
export function setClient(client: ApiClient): void {
  current = client;
}

export function api(): ApiClient {
  if (!current) throw new Error('the API client is not connected yet');
  return current;
}
