/* Progressive enhancements shared by every page. Loaded with `defer`: the document is parsed when it runs. */
(function () {
  "use strict";

  /* After an invalid submit, move focus to the error summary so screen-reader and keyboard users hear
     how many errors there are and can follow each link to its field. */
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  }

  /* The summary links point at a field's id; for a group of radios that is the wrapper, so move focus
     to its first input rather than leaving it on a non-interactive element. */
  function focusLinkedField(event) {
    var link = event.target.closest("#error-summary a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) {
      return;
    }
    var input = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    if (input) {
      event.preventDefault();
      input.focus();
      input.scrollIntoView({ block: "center" });
    }
  }

  /* Follow-up questions (data-show-when="<radio name>" data-show-value="<value>") appear once the answer
     that needs them is chosen. Without JavaScript every question stays visible and the server ignores the
     ones that do not apply; a block holding an error always stays visible. */
  function revealFollowUps() {
    document.querySelectorAll("[data-show-when]").forEach(function (block) {
      var name = block.getAttribute("data-show-when");
      var wanted = block.getAttribute("data-show-value");
      function sync() {
        var chosen = document.querySelector("input[name='" + name + "']:checked");
        block.hidden = !(chosen && chosen.value === wanted) && !block.querySelector(".field-error");
      }
      document.querySelectorAll("input[name='" + name + "']").forEach(function (radio) {
        radio.addEventListener("change", sync);
      });
      sync();
    });
  }

  focusErrorSummary();
  revealFollowUps();
  document.addEventListener("click", focusLinkedField);
})();
