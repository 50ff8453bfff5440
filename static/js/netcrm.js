// netcrm's few behaviours that were inline handlers (onclick, onsubmit, onfocus): the
// Content-Security-Policy runs no inline script. Delegated from the document, so markup that
// htmx swaps in later works too.
//   <button data-print>                  prints the page
//   <input data-select-on-focus>         selects its text when focused (a URL to copy)
//   <form data-confirm="Really?">        asks before it is submitted
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-select-on-focus]")) {
      event.target.select();
    }
  });
  document.addEventListener("submit", function (event) {
    const message = event.target.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
