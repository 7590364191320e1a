// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";
  // Move focus to the error summary so screen-reader and keyboard users hear what went wrong.
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  // A link in the summary puts the cursor in the field itself, with its label or question in view
  // (GOV.UK error summary pattern); without JavaScript the link still scrolls to the field.
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    // A group of checkboxes or radios is introduced by its fieldset's legend; any other field by its label.
    var fieldset = field.closest("fieldset");
    var grouped = fieldset && field.name && fieldset.querySelectorAll("[name='" + field.name + "']").length > 1;
    var heading = grouped ? fieldset.querySelector("legend") : document.querySelector("label[for='" + field.id + "']");
    (heading || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
