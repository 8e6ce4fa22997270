// The interview's member table: "Add another person" adds an empty row in place (a copy of the
// formset's empty row, numbered) and moves the focus to it, instead of sending the form. Without
// JavaScript the button sends the form and the page comes back with what was typed and one more
// row, nothing saved.
(function () {
  "use strict";
  var button = document.querySelector("button[data-add-member]");
  var template = document.getElementById("member-row-template");
  var total = document.querySelector("input[name=members-TOTAL_FORMS]");
  var most = document.querySelector("input[name=members-MAX_NUM_FORMS]");
  var rows = document.querySelector("#members tbody");
  if (!button || !template || !total || !most || !rows) {
    return;
  }
  button.addEventListener("click", function (event) {
    var index = parseInt(total.value, 10);
    var limit = parseInt(most.value, 10);
    if (index >= limit) {
      return; // the server shows the rows as they are
    }
    event.preventDefault();
    var row = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    rows.insertAdjacentHTML("beforeend", row);
    total.value = String(index + 1);
    rows.lastElementChild.querySelector("select").focus();
    if (index + 1 >= limit) {
      button.hidden = true;
    }
  });
})();
