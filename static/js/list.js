// The journey list: the create dialog, form errors swapped in by htmx, the time zone.
(function () {
  "use strict";

  // Dates are shown in the browser's time zone: the server reads it from this cookie.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) {
    document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
  }

  // A button in a GET form opens the plain create page; with JavaScript, the dialog.
  document.addEventListener("submit", function (event) {
    const form = event.target.closest("form[data-opens-dialog]");
    if (!form) return;
    const dialog = document.getElementById(form.dataset.opensDialog);
    if (!dialog) return;
    event.preventDefault();
    dialog.showModal();
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-closes-dialog]");
    if (button) button.closest("dialog").close();
  });

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
