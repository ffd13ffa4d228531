// Cascading province → regency → district pickers for the address forms.
// The district code field stays the source of truth, so the form also works
// when this script does not run (type the 6-digit code).
(function () {
  function fill(select, items) {
    select.length = 1;
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.code;
      option.textContent = item.name;
      option.dataset.postal = (item.postal_codes || []).join(" ");
      select.appendChild(option);
    });
  }
  function load(code, then) {
    fetch("/regions/" + code).then(function (r) { return r.json(); }).then(then);
  }
  document.querySelectorAll("fieldset.address").forEach(function (box) {
    var province = box.querySelector('[data-level="province"]');
    var regency = box.querySelector('[data-level="regency"]');
    var district = box.querySelector('[data-level="district"]');
    var code = box.querySelector('[data-role="district-code"]');
    var postal = box.querySelector("datalist");
    province.addEventListener("change", function () {
      fill(district, []);
      if (province.value) load(province.value, function (items) { fill(regency, items); });
    });
    regency.addEventListener("change", function () {
      if (regency.value) load(regency.value, function (items) { fill(district, items); });
    });
    district.addEventListener("change", function () {
      code.value = district.value;
      postal.innerHTML = "";
      var chosen = district.options[district.selectedIndex];
      (chosen.dataset.postal || "").split(" ").filter(Boolean).forEach(function (p) {
        var option = document.createElement("option");
        option.value = p;
        postal.appendChild(option);
      });
      var input = box.querySelector('input[name$="_postal_code"]');
      if (input && !input.value && postal.options.length === 1) input.value = postal.options[0].value;
    });
    var same = box.querySelector('[name="pickup_same"]');
    if (same) {
      var toggle = function () {
        box.querySelectorAll("input:not([type=checkbox]), select").forEach(function (el) { el.disabled = same.checked; });
      };
      same.addEventListener("change", toggle);
      toggle();
    }
  });
})();
