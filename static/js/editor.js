// The journey editor: dialogs the server sent open become modal, Escape cancels a rename,
// and htmx swaps the answers of refused saves (400, 409) so their messages show where the
// form was. (Dialogs open through dialogs.js.)
(function () {
  "use strict";

  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "40[09]", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ];

  function openModal(dialog) {
    if (dialog.open) dialog.close();
    dialog.showModal();
  }

  // A dialog the server sent open (a refused save, a no-JS link) becomes modal.
  function promoteOpenDialogs(root) {
    root.querySelectorAll("dialog[open]").forEach(openModal);
  }
  document.addEventListener("DOMContentLoaded", function () {
    promoteOpenDialogs(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.id === "journey-header") promoteOpenDialogs(event.target);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const form = event.target.closest && event.target.closest("#rename-form");
    if (!form) return;
    event.preventDefault();
    form.querySelector("[data-cancel]").click();
  });

  // After a rename is saved or cancelled, focus returns to the Edit button.
  document.addEventListener("htmx:afterSettle", function (event) {
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (source && source.closest && (source.id === "rename-form" || source.hasAttribute("data-cancel"))) {
      const link = document.getElementById("rename-link");
      if (link) link.focus();
    }
  });
})();
