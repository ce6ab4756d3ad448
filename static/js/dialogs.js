// Dialogs, on every page: an element with data-opens-dialog="ID" opens that <dialog> as a
// modal instead of doing what it does without JavaScript (a link or a GET form that
// shows the dialog on a page of its own); data-closes-dialog closes its dialog.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    const opener = event.target.closest("[data-opens-dialog]");
    if (opener) {
      const dialog = document.getElementById(opener.dataset.opensDialog);
      if (!dialog) return;
      event.preventDefault();
      if (dialog.open) dialog.close();
      dialog.showModal();
      return;
    }
    const closer = event.target.closest("[data-closes-dialog]");
    if (closer) closer.closest("dialog").close();
  });
})();
