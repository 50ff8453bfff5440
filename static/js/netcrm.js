// netcrm's few behaviours that were inline handlers (onclick, onsubmit, onfocus): the
// Content-Security-Policy runs no inline script. Delegated from the document, so markup that
// htmx swaps in later works too.
//   <button data-print>                  prints the page
//   <input data-select-on-focus>         selects its text when focused (a URL to copy)
//   <form data-confirm="Really?">        asks before it is submitted
//   <a data-show-more data-hx-target=…>  after htmx appends the next rows, focus moves to the
//                                        first of them (the link itself is replaced)
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
  let showingMore = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    const trigger = event.detail.elt;
    if (trigger.matches && trigger.matches("[data-show-more]")) {
      const list = document.querySelector(trigger.dataset.hxTarget);
      showingMore = list ? { list: list, shown: list.children.length } : null;
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!showingMore || event.detail.target !== showingMore.list) {
      return;
    }
    const firstNew = showingMore.list.children[showingMore.shown];
    showingMore = null;
    const link = firstNew && firstNew.querySelector("a[href]");
    if (link) {
      link.focus();
    }
  });
})();
