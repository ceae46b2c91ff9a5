/**
 * What a page is: a title, whether it refreshes while shown, and how it renders into the main
 * element. `isCurrent` turns false once the user has gone to another page, so a slow render does
 * not overwrite the page that replaced it.
 * @module
 */
export type Page = {
  readonly title: string;
  /** Re-rendered at each status poll while shown. */
  readonly live: boolean;
  render(root: HTMLElement, isCurrent: () => boolean, params: readonly string[]): Promise<void>;
};
