/* pneumo keyboard help, loaded by ui/keyboard.py; its SHA-256 is in the proxy's Content-Security-Policy
   (deploy/nginx/render.py), so change it only together with a new render of the nginx site.
   1. Enter or Space on a table opens the row under the cursor (Streamlit's grid wants Shift+Space).
   2. Focus moves to the element named by the marker beside this script (after an upload or a save). */
(() => {
  const here = document.currentScript;
  const marker = here && here.parentNode ? here.parentNode.querySelector("[data-pneumo-focus]") : null;
  const target = marker ? marker.getAttribute("data-pneumo-focus") : "";
  if (!window.pneumoRowKeys) {
    window.pneumoRowKeys = true;
    document.addEventListener("keydown", (event) => {
      if ((event.key !== "Enter" && event.key !== " ") || event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) {
        return;
      }
      const grid = event.target.closest ? event.target.closest(".stDataFrameGlideDataEditor") : null;
      if (!grid || event.target.closest("input, textarea, button, [role=menuitem]")) {
        return;  // not the grid itself: its toolbar, search box and menus keep their own keys
      }
      event.preventDefault();
      event.stopPropagation();
      event.target.dispatchEvent(new KeyboardEvent("keydown", {
        key: " ", code: "Space", keyCode: 32, which: 32, shiftKey: true, bubbles: true, cancelable: true}));
    }, true);
  }
  if (!target) {
    return;
  }
  let tries = 0;
  const focus = () => {
    const element = document.querySelector(target);
    const now = document.activeElement;
    const busy = now && now !== document.body && !now.closest(
      '[data-testid="stDataFrame"], [data-testid="stFileUploader"], [data-testid="stForm"]');
    if (busy) {
      return;  // the user has moved on (typing elsewhere): leave the focus where it is
    }
    if (element) {
      element.focus({preventScroll: true});
      element.scrollIntoView({block: "center", behavior: "instant"});
    } else if (++tries < 50) {
      setTimeout(focus, 150);
    }
  };
  setTimeout(focus, 150);
})();
