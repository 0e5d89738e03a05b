/**
 * How the pools that run the hot path plan: the alert-event transactions and
 * the dispatcher. Their statements are few and fixed, and every row they
 * touch — their own and the foreign-key checks their inserts fire — is found
 * by its key. Sequential scans, hash and merge joins are priced out, and so
 * are index-only scans, which would otherwise read a whole index that merely
 * covers the columns, filtering it row by row: a plan made while a table is
 * small stays nested loops over index lookups as the table grows. Planned
 * once per connection rather than again for each batch's arrays, since the
 * plans do not depend on the values. What these settings cannot do is plan
 * well on tables the statistics take for empty (analyzed while empty): any
 * index then looks as good as the key's, so the pager analyzes its hot
 * tables as they grow (see the statistics refresh), and the plans are made
 * anew on their real size.
 */
export const KEY_LOOKUP_PLANS = [
  "plan_cache_mode=force_generic_plan",
  "enable_seqscan=off",
  "enable_hashjoin=off",
  "enable_mergejoin=off",
  "enable_indexonlyscan=off",
] as const;
