// Cached pages are the same for every visitor, so their forms carry no CSRF token: just before
// a form is sent, this fetches one for this browser (the request also sets the CSRF cookie)
// from the uncached URL its hidden field names (includes/form_token.html).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var field = form.querySelector && form.querySelector("input[data-token-url]");
    if (!field || field.value) { return; }
    event.preventDefault();
    var submitter = event.submitter;
    function send() {
      if (form.requestSubmit) { form.requestSubmit(submitter || undefined); }
      else { HTMLFormElement.prototype.submit.call(form); }
    }
    fetch(field.getAttribute("data-token-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store"
    }).then(function (response) {
      return response.ok ? response.json() : Promise.reject(response.status);
    }).then(function (data) {
      field.value = data.token;
      send();
    }).catch(function () {
      // The server answers with its own CSRF error page rather than the form doing nothing.
      field.value = "-";
      send();
    });
  });
})();
