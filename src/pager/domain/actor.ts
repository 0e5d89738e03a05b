/**
 * Who or what made a change. Every state change records one, so an alert's
 * timeline can say who acknowledged it and with which key, and which part of
 * the pager acted on its own.
 */
export type Actor =
  /** A caller that presented an API key. */
  | { readonly kind: "api-key"; readonly apiKeyId: string; readonly name: string }
  /** A paged person through the acknowledgement link of their page; `name` is the target. */
  | { readonly kind: "acknowledgement-link"; readonly name: string }
  /** The pager itself: the dispatcher, the in-process timer worker, retention. */
  | { readonly kind: "system"; readonly name: string };
