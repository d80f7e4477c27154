/* Signing step: remember when the certification box was ticked (the evidence records it). */
(function () {
  "use strict";
  var box = document.getElementById("consent");
  var when = document.getElementById("consent_ticked_at");
  if (!box || !when) {
    return;
  }
  box.addEventListener("change", function () {
    when.value = box.checked ? new Date().toISOString() : "";
  });
})();
