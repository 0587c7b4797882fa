/**
 * Queue items per page when a call does not say, and the most one page holds. Apart from the API's
 * schemas (shared/api.ts) so that the labelling page can read them without building those schemas.
 */
export const DEFAULT_QUEUE_PAGE = 100;
export const MAX_QUEUE_PAGE = 500;

/** Items of the lead's re-review list per page (`reviews.all`) when a call does not say, and the most one page holds. */
export const DEFAULT_REVIEW_PAGE = 200;
export const MAX_REVIEW_PAGE = 1000;
