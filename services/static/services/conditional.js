// Progressive enhancement: hide fields whose condition (data-show-if) is not met.
// Without JavaScript every field is shown and the server applies the same conditions.
(function () {
  "use strict";
  function controlValue(form, wrapper) {
    var key = wrapper.getAttribute("data-show-if");
    var container = wrapper.closest("fieldset");
    var name = key.indexOf(".") >= 0 ? "f-" + key.replace(".", "-") : null;
    var inputs;
    if (name) {
      inputs = form.querySelectorAll('[name="' + name + '"]');
    } else {
      var own = wrapper.querySelector("[name]");
      if (!own) { return null; }
      var prefix = own.name.slice(0, own.name.lastIndexOf("-") + 1);
      inputs = container.querySelectorAll('[name="' + prefix + key + '"]');
    }
    var values = [];
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "checkbox" && inputs.length === 1) { return input.checked ? "true" : "false"; }
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { continue; }
      values.push(input.value);
    }
    return values;
  }
  function update(form) {
    var wrappers = form.querySelectorAll("[data-show-if]");
    for (var i = 0; i < wrappers.length; i++) {
      var wrapper = wrappers[i];
      var expected = wrapper.getAttribute("data-show-if-value");
      var value = controlValue(form, wrapper);
      var shown = Array.isArray(value) ? value.indexOf(expected) >= 0 : value === expected;
      wrapper.hidden = !shown;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form.service-form");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        form.addEventListener("change", function () { update(form); });
        update(form);
      })(forms[i]);
    }
  });
})();
