// netcrm's few behaviours that were inline handlers (onclick, onsubmit, onfocus): the
// Content-Security-Policy runs no inline script. Delegated from the document, so markup that
// htmx swaps in later works too.
//   <button data-print>                  prints the page
//   <input data-select-on-focus>         selects its text when focused (a URL to copy)
//   <form data-confirm="Really?">        asks before it is submitted
//   <form data-bulk-form>                the contacts list's bulk bar (below); without this
//                                        script it is a plain form with every field shown
//   <a data-show-more data-hx-target=…>  after htmx appends the next rows, focus moves to the
//                                        first of them (the link itself is replaced)
//   <textarea data-message-check='{…}'>  the message check: counts "you" against "I" words as
//                                        it is typed into #message-check (aria-live). The rule,
//                                        word lists and wording are contacts/message_check.py's
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

  // The bulk bar: rows are ticked with [data-select-row] (form="bulk-form"), [data-select-page]
  // ticks the whole page, [data-select-all-matching] selects every match of the filters (the
  // rows then show ticked), and [data-bulk-action] shows only the [data-bulk-option] its
  // option's data-needs names. Apply waits for an action and a selection.
  function refreshBulkBar(form) {
    const rows = Array.from(document.querySelectorAll("[data-select-row]"));
    const everything = form.querySelector("[data-select-all-matching]");
    const pageBox = document.querySelector("[data-select-page]");
    const action = form.querySelector("[data-bulk-action]");
    const ticked = rows.filter(function (row) { return row.checked; }).length;
    const all = Boolean(everything && everything.checked);
    const count = form.querySelector("[data-selected-count]");
    if (all) {
      count.textContent = "All " + everything.dataset.countText + " matching selected";
    } else if (ticked) {
      count.textContent = ticked + " selected";
    } else {
      count.textContent = everything ? "Tick contacts below, or" : "Tick contacts below";
    }
    if (pageBox) {
      pageBox.checked = rows.length > 0 && ticked === rows.length;
      pageBox.indeterminate = ticked > 0 && ticked < rows.length;
    }
    const chosen = action.selectedOptions[0];
    const needs = (chosen && chosen.dataset.needs) || "";
    form.querySelectorAll("[data-bulk-option]").forEach(function (option) {
      option.hidden = option.dataset.bulkOption !== needs;
    });
    form.querySelector("[data-bulk-apply]").disabled = !(action.value && (ticked || all));
  }

  function setupBulkBar() {
    const form = document.querySelector("[data-bulk-form]");
    if (!form) {
      return;
    }
    const pageBox = document.querySelector("[data-select-page]");
    if (pageBox) {
      pageBox.hidden = false;
    }
    refreshBulkBar(form);
  }

  document.addEventListener("change", function (event) {
    const form = document.querySelector("[data-bulk-form]");
    if (!form) {
      return;
    }
    const target = event.target;
    const rows = document.querySelectorAll("[data-select-row]");
    const everything = form.querySelector("[data-select-all-matching]");
    if (target.matches("[data-select-page]")) {
      rows.forEach(function (row) { row.checked = target.checked; });
      if (!target.checked && everything) {
        everything.checked = false;
      }
    } else if (target.matches("[data-select-all-matching]")) {
      rows.forEach(function (row) { row.checked = target.checked; });
    } else if (target.matches("[data-select-row]")) {
      if (!target.checked && everything) {
        everything.checked = false;
      }
    } else if (!target.matches("[data-bulk-action]")) {
      return;
    }
    refreshBulkBar(form);
  });
  // Also when the browser restores a page from its back-forward cache, ticks included.
  window.addEventListener("pageshow", setupBulkBar);
  setupBulkBar();

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

  // The message check, mirroring contacts/message_check.py (its docstring is the rule): words
  // are runs of letters with inner apostrophes, counted by the part before the first apostrophe.
  const WORD = /\p{L}+(?:['\u2019]\p{L}+)*/gu;
  function checkMessage(text, rule) {
    let receiver = 0;
    let sender = 0;
    for (const found of text.matchAll(WORD)) {
      const word = found[0].split(/['\u2019]/)[0].toLowerCase();
      if (rule.receiver.includes(word)) {
        receiver += 1;
      } else if (rule.sender.includes(word)) {
        sender += 1;
      }
    }
    const verdict = receiver && receiver >= sender ? "you" : sender ? "sender" : "none";
    const hint = rule.hints[verdict].replace("{receiver}", receiver).replace("{sender}", sender);
    return { verdict: verdict, hint: hint };
  }
  document.addEventListener("input", function (event) {
    const field = event.target;
    if (!field.matches || !field.matches("[data-message-check]")) {
      return;
    }
    const output = document.getElementById(field.dataset.messageCheckOutput);
    if (!output) {
      return;
    }
    const result = checkMessage(field.value, JSON.parse(field.dataset.messageCheck));
    if (output.textContent !== result.hint) {
      output.textContent = result.hint;
      output.dataset.verdict = result.verdict;
    }
  });
})();
