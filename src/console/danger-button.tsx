import type { ComponentChildren } from "preact";

/** A button for what cannot be undone: it acts only once the reader has confirmed `question`. */
export function DangerButton({
  question,
  onConfirm,
  children,
}: {
  question: string;
  onConfirm: () => unknown;
  children: ComponentChildren;
}) {
  return (
    <button
      type="button"
      class="danger"
      onClick={() => {
        if (window.confirm(question)) onConfirm();
      }}
    >
      {children}
    </button>
  );
}
