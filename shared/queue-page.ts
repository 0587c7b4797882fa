/**
 * Queue items per page when a call does not say, and the most one page holds. Apart from the API's
 * schemas (shared/api.ts) so that the labelling page can read them without building those schemas.
 */
export const DEFAULT_QUEUE_PAGE = 100;
export const MAX_QUEUE_PAGE = 500;
