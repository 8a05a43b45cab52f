// The YAML editor: several documents at once, a ready example for every kind, applied
// through the same path as `kubectl apply -f`.

import { describeError, post } from "./api.js";
import { el } from "./dom.js";
import { EXAMPLES } from "./examples.js";
import { t } from "./i18n.js";

export class Editor {
  constructor(form, onOutput) {
    this.area = form.querySelector("textarea");
    this.onOutput = onOutput;
    const picker = form.querySelector("select");
    picker.append(...Object.keys(EXAMPLES).map((name) => el("option", { value: name }, name)));
    picker.addEventListener("change", () => {
      if (picker.value) this.area.value = EXAMPLES[picker.value];
      picker.value = "";
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.apply();
    });
    if (!this.area.value) this.area.value = EXAMPLES.Deployment;
  }

  text() {
    return this.area.value;
  }

  async apply() {
    try {
      const { output } = await post("apply", { yaml: this.area.value });
      this.onOutput(output || t("nothingToApply"));
    } catch (error) {
      this.onOutput(describeError(error));
    }
  }
}
