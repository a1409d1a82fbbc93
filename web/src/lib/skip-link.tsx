import type { ComponentChildren } from 'preact';

/**
 * The first link of a page's header: it moves the focus to `<main id="main">` without touching the
 * address, since the console and the attorney's and doctor's pages keep their place in the fragment.
 * Hidden until focused (`.skip` in styles.css).
 */
export function SkipLink({ children }: { children: ComponentChildren }) {
  return (
    <a
      class="skip"
      href="#main"
      onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}
    >
      {children}
    </a>
  );
}
