// Live password strength meter (Faible / Moyenne / Forte), the same scale as wizard.passwords.password_strength.
// It only helps: the server checks the policy (and the list of common passwords) and says why it refuses.
(function () {
  "use strict";
  var LABELS = ["—", "Faible", "Moyenne", "Forte"];

  function classes(value) {
    var count = 0;
    if (/[a-zà-ÿ]/.test(value)) { count += 1; }
    if (/[A-ZÀ-Þ]/.test(value)) { count += 1; }
    if (/[0-9]/.test(value)) { count += 1; }
    if (/[^A-Za-zÀ-ÿ0-9]/.test(value)) { count += 1; }
    return count;
  }

  function score(value) {
    if (!value) { return 0; }
    var kinds = classes(value);
    if (value.length < 8 || kinds < 3) { return 1; }
    if (value.length >= 12 && kinds === 4) { return 3; }
    return 2;
  }

  function attach(container) {
    var input = document.getElementById(container.getAttribute("data-meter-for"));
    if (!input) { return; }
    var meter = container.querySelector("meter");
    var label = container.querySelector(".password-meter-label");
    container.hidden = false;
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + meter.id).trim());
    function update() {
      var value = score(input.value);
      meter.value = value;
      label.textContent = LABELS[value];
      container.setAttribute("data-strength", String(value));
    }
    input.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-meter-for]"), attach);
  });
}());
