// The page's words, translated on the server (Django's gettext) and handed over as JSON:
// scripts have no gettext of their own. t("podsOf", {n: 3}) fills %(n)s placeholders.

const words = JSON.parse(document.getElementById("page-text").textContent);

export function t(key, params = {}) {
  const text = words[key] ?? key;
  return text.replace(/%\((\w+)\)s/g, (_, name) => String(params[name] ?? ""));
}

export const language = document.documentElement.lang || "en";
