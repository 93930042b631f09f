import type { TabContext } from '../tab_context.js';

export function mount(panel: HTMLElement, _ctx: TabContext): void {
  panel.textContent = 'Compare: coming in the next step.';
}
