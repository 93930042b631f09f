/** What the page gives a lazily loaded tab (Certify, Compare) when it first opens. */
export interface TabContext {
  /** Show a failure in the page's alert box; the rest of the page stays usable. */
  showError(text: string): void;
}

/** A lazily loaded tab module. */
export interface LazyTab {
  mount(panel: HTMLElement, ctx: TabContext): void;
}
