// The new-indicator form: show only the parameters of the chosen definition. The other groups are
// hidden and disabled (so nothing of them is sent); without JavaScript every group shows, with a
// note that says which to fill in.
(function () {
  "use strict";
  var select = document.querySelector("select[name=definition_code]");
  var groups = document.querySelectorAll("fieldset[data-definition]");
  if (!select || groups.length === 0) {
    return;
  }
  var note = document.getElementById("parameters-note");
  if (note) {
    note.hidden = true;
  }
  function show() {
    groups.forEach(function (group) {
      var chosen = group.getAttribute("data-definition") === select.value;
      group.hidden = !chosen;
      group.disabled = !chosen;
    });
  }
  select.addEventListener("change", show);
  show();
})();
