// Progressive enhancement only: every page works without JavaScript.
(function () {
  "use strict";
  // The skip link moves the focus to the main content without putting "#main-content" in the address: a form
  // posted from that address would come back with it, and the browser's jump to it would take the focus away
  // from the error summary.
  var skipLink = document.querySelector(".skip-link");
  var main = document.getElementById("main-content");
  if (skipLink && main) {
    skipLink.addEventListener("click", function (event) {
      event.preventDefault();
      main.focus();
    });
  }
  // Move focus to the error summary so screen-reader and keyboard users hear what went wrong.
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  if (window.location.hash) {
    // The browser jumps to an address's #fragment once the page has loaded: keep the focus on the summary.
    window.addEventListener("load", function () {
      summary.focus();
    });
  }
  // A link in the summary puts the cursor in the field itself, with its label or question in view
  // (GOV.UK error summary pattern); without JavaScript the link still scrolls to the field.
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    // A group of checkboxes or radios, or a date's boxes, is introduced by its fieldset's legend; any other field
    // by its label.
    var fieldset = field.closest("fieldset");
    var grouped = fieldset && field.name && fieldset.querySelectorAll("[name='" + field.name + "']").length > 1;
    grouped = grouped || Boolean(fieldset && fieldset.classList.contains("date-input"));
    var heading = grouped ? fieldset.querySelector("legend") : document.querySelector("label[for='" + field.id + "']");
    (heading || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();

// On a narrow screen the navigation folds behind its Menu button. Without JavaScript the button stays hidden and the
// links are simply shown.
(function () {
  "use strict";
  var nav = document.getElementById("main-nav");
  var toggler = document.querySelector("[aria-controls='main-nav']");
  if (!nav || !toggler) {
    return;
  }
  nav.classList.add("collapse");
  toggler.hidden = false;
})();

// A table wider than the screen (on a phone, say) scrolls inside its .table-responsive wrapper: that wrapper is made
// a named region the keyboard can reach, so it can be scrolled without a mouse (WCAG 2.1.1; axe's
// scrollable-region-focusable). Tables that fit are left alone, so they add no tab stop.
(function () {
  "use strict";
  var wrappers = document.querySelectorAll(".table-responsive");
  if (!wrappers.length) {
    return;
  }
  function nameOf(wrapper) {
    var caption = wrapper.querySelector("caption");
    var text = caption ? caption.textContent.trim().replace(/\s+/g, " ") : "";
    return text || "Table";
  }
  function mark() {
    wrappers.forEach(function (wrapper) {
      if (wrapper.dataset.regionFixed) {
        return; // the template already made it a region
      }
      if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", nameOf(wrapper) + " (scrolls sideways)");
      } else {
        wrapper.removeAttribute("tabindex");
        wrapper.removeAttribute("role");
        wrapper.removeAttribute("aria-label");
      }
    });
  }
  wrappers.forEach(function (wrapper) {
    if (wrapper.hasAttribute("tabindex")) {
      wrapper.dataset.regionFixed = "true";
    }
  });
  mark();
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(mark, 100);
  });
})();
