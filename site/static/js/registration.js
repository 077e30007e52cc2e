// Shows the group fields only when "a group" is chosen. Without JavaScript every field stays
// visible and the server checks them the same way.
(function () {
  "use strict";
  var form = document.querySelector("form.form");
  if (!form) { return; }
  var groupOnly = ["organisation", "seats"].map(function (name) {
    var input = form.querySelector('[name="' + name + '"]');
    return input ? input.closest(".form__field") : null;
  }).filter(Boolean);
  function update() {
    var choice = form.querySelector('input[name="kind"]:checked');
    var isGroup = choice && choice.value === "group";
    groupOnly.forEach(function (field) {
      var hasError = field.classList.contains("form__field--error");
      field.hidden = !isGroup && !hasError;
    });
  }
  form.querySelectorAll('input[name="kind"]').forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  update();
})();
