// Keyboard focus the browser alone would lose (WCAG 2.4.3).
// 1. Focus goes back to the control that opened a dialog when the dialog closes.
// Radix returns it only to a Dialog.Trigger; the console's dialogs open from state (a button
// that sets `open`, a menu item), so without this the focus fell to <body>.
(() => {
  const OVERLAYS = "[role=dialog], [role=alertdialog], [role=menu], [data-radix-popper-content-wrapper]";
  let opener = null;
  document.addEventListener(
    "focusin",
    (event) => {
      if (event.target instanceof Element && !event.target.closest(OVERLAYS)) opener = event.target;
    },
    true,
  );
  const restore = () => {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (lost && opener && opener.isConnected && !document.querySelector(OVERLAYS)) opener.focus();
  };
  new MutationObserver(() => setTimeout(restore, 0)).observe(document.body, { childList: true });

  // 2. The skip link moves focus to the page's content, not only the scroll position.
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element && event.target.closest(".skip-link");
    // The built page writes the href as "/#main-content": read the fragment off the URL.
    const target = link && document.getElementById(new URL(link.href).hash.slice(1));
    if (target) {
      event.preventDefault();
      target.focus();
      target.scrollIntoView();
    }
  });
})();
