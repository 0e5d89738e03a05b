/**
 * How the pools that run the hot path plan: the alert-event transactions and
 * the dispatcher. Their statements are few and fixed, and every row they
 * touch — their own and the foreign-key checks their inserts fire — is found
 * by its key. A plan is made once per connection and kept, and so is a
 * foreign-key check's; a plan made while a table is still small (a new
 * database, the first seconds of a storm) would otherwise scan it, or one of
 * its indexes, whole for every statement as the table grows, until the table
 * is next analyzed. With these settings such a plan is nested loops over
 * index lookups whatever the tables hold: sequential scans, hash and merge
 * joins are priced out, and so are index-only scans, which would otherwise
 * read a whole index that merely covers the columns, filtering it row by
 * row. Planned once per connection rather than again for each batch's
 * arrays, since the plans do not depend on the values.
 */
export const KEY_LOOKUP_PLANS = [
  "plan_cache_mode=force_generic_plan",
  "enable_seqscan=off",
  "enable_hashjoin=off",
  "enable_mergejoin=off",
  "enable_indexonlyscan=off",
] as const;
