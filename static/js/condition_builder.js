// The condition builder (journeys/audiences/forms.py): "Add condition", and per row only
// the operators that fit the chosen attribute, the custom attribute name only for a custom
// attribute, and the value box only for operators that take a value. Without this script
// every row shows everything and the server's validation says what does not fit.
(function () {
  "use strict";

  const PLACEHOLDERS = { two: "low, high", many: "a, b, c" };

  function field(row, suffix) {
    return row.querySelector('[name$="-' + suffix + '"]');
  }

  // On load, a chosen operator that does not fit stays shown: the server's message
  // beside the row is about it. A new attribute choice then narrows the list.
  function update(row, keepChosen) {
    const attribute = field(row, "attribute");
    const operator = field(row, "operator");
    const value = field(row, "value");
    if (!attribute || !operator) return;
    const chosen = attribute.selectedOptions[0];
    const type = chosen ? chosen.dataset.type : undefined;

    // Operators: only those that fit the attribute's type (all while none is chosen).
    for (const option of operator.options) {
      if (!option.dataset.types) continue;
      const fits = !type || option.dataset.types.split(" ").includes(type) ||
        (keepChosen && option.selected);
      option.hidden = !fits;
      option.disabled = !fits;
    }
    for (const group of operator.querySelectorAll("optgroup")) {
      group.hidden = Array.from(group.children).every(function (option) { return option.hidden; });
    }
    if (operator.selectedOptions[0] && operator.selectedOptions[0].disabled) operator.value = "";

    const customKey = row.querySelector("[data-custom-key]");
    if (customKey) customKey.hidden = attribute.value !== "custom.";

    const arity = operator.selectedOptions[0] ? operator.selectedOptions[0].dataset.arity : undefined;
    const valueBox = row.querySelector("[data-value]");
    if (valueBox) valueBox.hidden = arity === "none";
    if (value) value.placeholder = PLACEHOLDERS[arity] || "";
  }

  function addRow(builder) {
    const template = builder.querySelector("template[data-condition-template]");
    const total = builder.querySelector('input[name$="-TOTAL_FORMS"]');
    const max = builder.querySelector('input[name$="-MAX_NUM_FORMS"]');
    const index = Number(total.value);
    if (max && index >= Number(max.value)) return;
    const holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    const row = holder.querySelector("[data-condition-row]");
    builder.querySelector("[data-condition-rows]").append(row);
    total.value = String(index + 1);
    update(row, false);
    field(row, "attribute").focus();
  }

  document.addEventListener("change", function (event) {
    const row = event.target.closest("[data-condition-builder] [data-condition-row]");
    if (row) update(row, event.target !== field(row, "attribute"));
  });

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-add-condition]");
    if (button) addRow(button.closest("[data-condition-builder]"));
  });

  function setUp() {
    for (const builder of document.querySelectorAll("[data-condition-builder]")) {
      builder.querySelectorAll("[data-condition-rows] [data-condition-row]").forEach(function (row) {
        update(row, true);
      });
      builder.querySelector("[data-add-condition]").hidden = false;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
