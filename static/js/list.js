// The journey list: the Columns menu, form errors swapped in by htmx, the time zone.
// (Its dialogs open through dialogs.js.)
(function () {
  "use strict";

  // Dates are shown in the browser's time zone: the server reads it from this cookie.
  // When it was missing or stale, the table reloads itself once with the right one.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // IANA names ("America/New_York", "Etc/GMT+5") are cookie-safe as they are.
  const cookie = "tz=" + zone;
  if (/^[\w\/+-]+$/.test(zone || "") && !document.cookie.split("; ").includes(cookie)) {
    document.cookie = cookie + "; path=/; max-age=31536000; SameSite=Lax";
    document.addEventListener("DOMContentLoaded", function () {
      if (window.htmx) htmx.trigger(document.body, "time-zone-changed");
    });
  }

  // The Columns button folds the column checklist into a menu.
  function setUpColumnsMenu() {
    const button = document.getElementById("columns-button");
    const menu = document.getElementById("columns-menu");
    if (!button || !menu) return;
    function toggle(open) {
      button.setAttribute("aria-expanded", String(open));
      menu.hidden = !open;
    }
    menu.querySelector("button[type=submit]").hidden = true;  // changes apply at once
    button.hidden = false;
    toggle(false);
    button.addEventListener("click", function () { toggle(menu.hidden); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !menu.hidden) { toggle(false); button.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (!menu.hidden && !menu.contains(event.target) && !button.contains(event.target)) toggle(false);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpColumnsMenu);
  } else {
    setUpColumnsMenu();
  }

  // A form answered with 400 and its errors: show them in place of the form.
  document.addEventListener("htmx:beforeSwap", function (event) {
    const element = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.xhr.status === 400 && element && element.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    const invalid = document.querySelector("dialog[open] [aria-invalid=true]");
    if (invalid) invalid.focus();
  });
})();
