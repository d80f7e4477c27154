/* Inactivity warning: two minutes before the session ends, offer « Rester connecté ».

   The session lasts data-session-lifetime seconds from this page's load unless another request is made. Pressing the button posts to the
   keep-alive endpoint (with the page's CSRF token) so the person keeps what they are typing; if the session
   has already ended, the message says so and links to the login page. Loaded with `defer` (CSP: no inline script). */
(function () {
  "use strict";

  var script = document.currentScript;
  var lifetime = parseInt(script.getAttribute("data-session-lifetime"), 10);
  var keepAliveUrl = script.getAttribute("data-keepalive-url");
  var loginUrl = script.getAttribute("data-login-url");
  var WARNING_SECONDS = 120;
  var warningTimer = null;
  var expiryTimer = null;
  var panel = null;

  function csrfToken() {
    var input = document.querySelector("input[name='csrf_token']");
    return input ? input.value : "";
  }

  function buildPanel() {
    panel = document.createElement("div");
    panel.className = "session-warning";
    panel.id = "session-warning";
    panel.setAttribute("role", "alertdialog");
    panel.setAttribute("aria-labelledby", "session-warning-text");
    panel.hidden = true;
    var text = document.createElement("p");
    text.id = "session-warning-text";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-primary";
    button.id = "session-keep-alive";
    button.textContent = "Rester connecté";
    button.addEventListener("click", keepAlive);
    var link = document.createElement("a");
    link.href = loginUrl;
    link.id = "session-login-link";
    link.textContent = "Me reconnecter";
    link.hidden = true;
    panel.append(text, button, link);
    document.body.prepend(panel);
  }

  function show(message, expired) {
    if (!panel) {
      buildPanel();
    }
    panel.querySelector("p").textContent = message;
    panel.querySelector("button").hidden = expired;
    panel.querySelector("a").hidden = !expired;
    panel.hidden = false;
    (expired ? panel.querySelector("a") : panel.querySelector("button")).focus();
  }

  function warn() {
    show("Votre session va expirer dans 2 minutes pour protéger vos données. " +
         "Vos réponses déjà enregistrées sont conservées. Souhaitez-vous rester connecté ?", false);
  }

  function expire() {
    show("Votre session a expiré. Vos réponses déjà enregistrées sont conservées : " +
         "reconnectez-vous pour reprendre votre démarche là où vous en étiez.", true);
  }

  function schedule(seconds) {
    window.clearTimeout(warningTimer);
    window.clearTimeout(expiryTimer);
    warningTimer = window.setTimeout(warn, Math.max(0, seconds - WARNING_SECONDS) * 1000);
    expiryTimer = window.setTimeout(expire, seconds * 1000);
  }

  function keepAlive() {
    fetch(keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("keep-alive refused");
      }
      return response.json();
    }).then(function (body) {
      panel.hidden = true;
      schedule(body.expires_in);
    }).catch(expire);
  }

  if (lifetime > 0 && keepAliveUrl) {
    schedule(lifetime);
  }
})();
