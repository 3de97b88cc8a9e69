// The script of the penalties page: it asks this server's API (GET /provisions, GET /facts,
// POST /assess, GET /thresholds, POST /map) and shows the library's JSON documents.
// Every text of a document goes into the page as text (text nodes, never markup): statute
// text is data. No framework, no other server.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const state = { facts: [], token: 0 };

  // An element with attributes (names from this script only) and children (text or nodes).
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== undefined && value !== null && value !== false) {
        node.setAttribute(name, value === true ? "" : String(value));
      }
    }
    put(node, ...children);
    return node;
  }

  // Put ``children`` (text, nodes, arrays of them; null skipped) in place of what ``node`` holds.
  function put(node, ...children) {
    node.replaceChildren();
    for (const child of children.flat(Infinity)) {
      if (child !== undefined && child !== null && child !== false) {
        node.append(child instanceof Node ? child : String(child));
      }
    }
  }

  // "300000000" -> "300,000,000"; "13355.30" -> "13,355.30" (text in, text out: exact).
  function digits(text) {
    const [whole, fraction] = String(text).split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return fraction === undefined ? grouped : grouped + "." + fraction;
  }
  // A figure never breaks across lines: a no-break space between the code and the digits.
  const money = (m) => (m ? m.currency + "\u00a0" + digits(m.amount) : "");
  const approx = (m) => (m && m.converted ? " (≈ " + money(m.converted) + ")" : "");
  const words = (name) => String(name).replace(/_/g, " ");
  const months = (n) => n + (Number(n) === 1 ? " month" : " months");
  const path = (id) => id.split("/").map(encodeURIComponent).join("/");

  async function api(method, url, body) {
    const options = { method, headers: { Accept: "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    const doc = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (doc && doc.error) || { type: "HTTPError", field: null,
                                            message: "the server answered " + response.status };
      throw Object.assign(new Error(error.message), { detail: error });
    }
    return doc;
  }

  // The control of the form that a request field of the API comes from (a fact otherwise).
  const CONTROLS = { provision: "provision", to: "to", in: "to", rate_date: "rate_date",
                     on: "fact-offence_date" };

  // Show an error (after those already shown), and at its field when the form has it: the
  // field marked invalid, the message beside it, the field focused ("Other facts" opened).
  function showError(error) {
    const box = $("error");
    const detail = error.detail || { type: "Error", field: null, message: String(error.message) };
    box.append(el("p", {}, el("strong", {}, detail.type + ": "), detail.message));
    box.hidden = false;
    const field = detail.field ? String(detail.field) : "";
    const found = field && $(Object.hasOwn(CONTROLS, field) ? CONTROLS[field] : "fact-" + field);
    if (found && found.matches("input, select")) {
      const folded = found.closest("details");
      if (folded) folded.open = true;
      found.setAttribute("aria-invalid", "true");
      const line = found.closest(".field");
      if (line) line.append(el("span", { class: "field-error" }, " " + detail.message));
      found.focus();
    }
  }

  function clearErrors() {
    put($("error"));
    $("error").hidden = true;
    for (const node of document.querySelectorAll(".field-error")) node.remove();
    for (const node of document.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  }

  // What was shown is about the provision and the facts it was asked for: hidden when they change.
  function clearAnswers() {
    for (const id of ["result", "thresholds", "map"]) $(id).hidden = true;
    $("status").textContent = "";
    clearErrors();
  }

  // -- the form, from the facts vocabulary ------------------------------------------------
  function control(fact) {
    const id = "fact-" + fact.name;
    const common = { id, "data-fact": fact.name, "aria-describedby": id + "-help" };
    let input;
    if (fact.kind === "enum" || (fact.kind === "act" && fact.values && fact.values.length)) {
      input = el("select", common, fact.required ? null : el("option", { value: "" }, "not given"),
                 fact.values.map((v) => el("option", { value: v },
                                           fact.labels && fact.labels[v] ? v + ": " + fact.labels[v] : v)));
    } else if (fact.kind === "flag" && (fact.unknown || fact.negative)) {
      input = el("select", common, el("option", { value: "" }, "not known"),
                 el("option", { value: "true" }, "yes"), el("option", { value: "false" }, "no"));
    } else if (fact.kind === "flag") {
      input = el("input", Object.assign({ type: "checkbox" }, common));
    } else if (fact.kind === "date") {
      input = el("input", Object.assign({ type: "date" }, common));
    } else if (fact.kind === "count") {
      input = el("input", Object.assign({ type: "number", min: fact.min, max: fact.max, step: 1 },
                                        common));
    } else {
      input = el("input", Object.assign({ type: "text", inputmode: fact.kind === "amount" ? "decimal" : null,
                                          autocomplete: "off", maxlength: 100 }, common));
    }
    return el("p", { class: "field" }, el("label", { for: id }, words(fact.name)), " ", input, " ",
              el("span", { class: "help", id: id + "-help" }, fact.help));
  }

  async function loadFacts() {
    const token = ++state.token;
    const id = $("provision").value;
    $("case").removeAttribute("data-loaded");
    const doc = await api("GET", "/facts?provision=" + encodeURIComponent(id));
    if (token !== state.token) return;
    state.facts = doc.facts;
    put($("fact-fields"),...doc.facts.filter((f) => f.reads).map(control));
    put($("more-fields"),...doc.facts.filter((f) => !f.reads).map(control));
    $("case").setAttribute("data-loaded", id);  // the form is this provision's
    const chosen = state.provisions.find((p) => p.id === id);
    $("provision-info").textContent = chosen
      ? chosen.instrument + ", " + chosen.article + "; currency " + chosen.currency + "; " + chosen.coverage
      : "";
  }

  async function loadProvisions() {
    state.provisions = await api("GET", "/provisions");
    const select = $("provision");
    put(select,...state.provisions.map((p) =>
      el("option", { value: p.id }, (p.aliases[0] || p.id) + ": " + p.title + " (" + p.jurisdiction + ")")));
    const asked = (new URLSearchParams(location.search).get("provision") || "").toLowerCase();
    const found = state.provisions.find((p) => p.id === asked || p.aliases.includes(asked));
    if (found) select.value = found.id;
    await loadFacts();
  }

  function given() {
    const facts = {};
    for (const input of document.querySelectorAll("[data-fact]")) {
      const name = input.getAttribute("data-fact");
      if (input.type === "checkbox") {
        if (input.checked) facts[name] = true;
      } else if (input.value.trim() !== "") {
        facts[name] = input.tagName === "SELECT" && (input.value === "true" || input.value === "false")
          ? input.value === "true" : input.value.trim();
      }
    }
    return facts;
  }

  // -- the documents, shown ---------------------------------------------------------------
  function rateLine(c) {
    // a quotient that never ends is given to 50 digits: "…" says that more follow
    const quoted = c.rate_quoted ? digits(c.rate_quoted) + (c.rate_quoted_exact === false
      ? "…" : "") + " " + c.rate_unit
      : "1 " + c.from + " = " + c.rate + " " + c.to;
    return el("p", { class: "rate" }, "Converted at " + quoted + " (" + c.description + "; source " +
              c.source + ").", c.attribution ? " " + c.attribution : "", stale(c));
  }

  function range(p) {
    if ("min_months" in p) {
      return [p.min_months === null ? "no minimum" : months(p.min_months),
              p.max_months === null ? "no statutory maximum" : months(p.max_months)];
    }
    return [p.min ? money(p.min) + approx(p.min) : "no minimum",
            p.max ? (p.max_is_floor ? "at least " : "") + money(p.max) + approx(p.max)
              : "no statutory maximum"];
  }

  function penalties(title, rows) {
    if (!rows.length) return null;
    return el("table", {}, el("caption", {}, title),
              el("tr", {}, ["penalty", "from", "to", "clause"].map((h) => el("th", { scope: "col" }, h))),
              rows.map((p) => {
                const [low, high] = range(p);
                const extra = p.basis ? el("div", { class: "help" }, p.basis.join("; ")) : null;
                const only = p.only_with_principal
                  ? " (only with " + p.only_with_principal.map(words).join(", ") + ")" : "";
                const floor = p.min_source ? " (" + p.min_source + ")" : "";
                return el("tr", {}, el("td", {}, words(p.kind) + only, extra),
                          el("td", { class: "money" }, low + floor),
                          el("td", { class: "money" }, high), el("td", { class: "ref" }, p.ref));
              }));
  }

  const list = (title, items) => (items && items.length
    ? [el("h3", {}, title), el("ul", {}, items.map((i) => el("li", {}, i)))] : null);

  // How far each amount or count given is from the next and the previous tier (the library's
  // words; a converted figure in them is at the rate stated below the result).
  function margins(items) {
    const lines = (items || []).map((m) => [m.up, m.down].filter((t) => t).join("; ")).filter((t) => t);
    return lines.length ? [el("h3", {}, "Margins: how far from the next and the previous tier"),
      el("ul", { id: "margins" }, lines.map((t) => el("li", {}, t)))] : null;
  }

  const stale = (rate) => (rate.stale
    ? el("span", { class: "stale" }, " This rate is stale: " + rate.age_days + " days old.") : null);

  function showResult(doc) {
    const p = doc.provision;
    const law = p.instrument + ", " + p.section_word + " " + p.article + ", version in force from " + p.version +
      (p.version_until ? " until " + p.version_until : "") + (p.amended_by ? ", amended by " + p.amended_by : "") +
      (p.enacted_by ? ", enacted by " + p.enacted_by : "");
    const tier = doc.tier;
    const rule = doc.principal_rule === "one_of" ? "one of" : words(doc.principal_rule);
    put($("result-body"),
      el("h3", {}, p.id + ": " + p.title), p.title_original ? el("p", { class: "muted" }, p.title_original) : null,
      el("p", {}, law),
      el("p", {}, "Offender: " + doc.offender + "; date: " + doc.offence_date + " (" + words(doc.date_basis) + ")"),
      list("Which law", doc.law_choice),
      tier ? el("p", { class: "tier", id: "tier" }, "Tier " + tier.ref + (tier.confidence ? " [" + tier.confidence + "]" : ""))
        : el("p", { class: "tier", id: "tier" }, doc.liable ? "No tier applies to these facts."
          : "No liability under this provision for these facts."),
      tier ? el("ul", { id: "reasons" }, tier.reasons.map((r) => el("li", {}, r.text + approx(r.value)))) : null,
      margins(doc.margins),
      tier && tier.quote ? [el("h3", {}, "The text of " + tier.ref), el("blockquote", {}, tier.quote)] : null,
      tier && tier.translation ? [el("h3", {}, "Translation"), el("blockquote", {}, tier.translation)] : null,
      list("Also met", doc.also_met.map((t) => "Tier " + t.ref)),
      penalties("Principal penalty (" + rule + ")", doc.principal),
      penalties("Additional penalty (optional)", doc.additional),
      list("Notes", doc.notes),
      doc.inputs.length ? [el("h3", {}, "Amounts given in another currency"),
        doc.inputs.map((i) => el("p", { class: "rate" }, i.text + ".",
                                 i.rate.attribution ? " " + i.rate.attribution : "", stale(i.rate)))] : null,
      list("See also", doc.see_also),
      list("Facts this provision reads that were not given", doc.not_given.map(words)),
      list("Facts given that this provision does not read", doc.ignored_facts.map(words)),
      doc.conversion ? rateLine(doc.conversion) : null,
      list("Sources", p.sources));
    $("result").hidden = false;
  }

  function showThresholds(doc, offender) {
    const subjects = [...new Set(doc.thresholds.map((t) => t.subject))]
      .sort((a, b) => (b === offender) - (a === offender));
    const near = (t) => {
      const low = t.lower && t.lower.converted ? money(t.lower.converted) : null;
      const high = t.upper && t.upper.converted ? money(t.upper.converted) : null;
      if (!low && !high) return "";
      return " (≈ " + (low && high ? low + " to " + high : low ? low + " or more" : "under " + high) + ")";
    };
    put($("thresholds-body"),
      el("p", {}, doc.provision + ", version in force " + (doc.on ? "on " + doc.on + ": " : "") + "from " +
         doc.version + "; amounts in " + doc.currency),
      subjects.map((s) => {
        const table = el("table", {}, el("caption", {}, words(s)),
          el("tr", {}, ["clause", "fact", "threshold", "only if"].map((h) => el("th", { scope: "col" }, h))),
          doc.thresholds.filter((t) => t.subject === s).map((t) => el("tr", {}, el("td", { class: "ref" }, t.ref),
            el("td", {}, words(t.fact)), el("td", {}, t.words + near(t)), el("td", {}, t.condition || ""))));
        return s === offender ? table : el("details", {}, el("summary", {}, "For another offender: " + words(s)), table);
      }),
      doc.conversion ? rateLine(doc.conversion) : null);
    $("thresholds").hidden = false;
  }

  function showMap(doc) {
    const figure = (v) => (doc.currency ? doc.currency + "\u00a0" + digits(v) : digits(v));
    const span = (s) => (s.high === null ? (s.low_included ? figure(s.low) + " or more" : "above " + figure(s.low))
      : (s.low_included ? "from " : "above ") + figure(s.low) + (s.high_included ? " to " : " to under ") + figure(s.high));
    const twin = (s) => (s.low_converted ? " (≈ " + money(s.low_converted) +
      (s.high_converted ? " to " + money(s.high_converted) : " or more") + ")" : "");
    const answer = (s) => s.principal.map((p) => {
      const [low, high] = range(p);
      return el("div", {}, words(p.kind) + " " + low + " to " + high);
    });
    put($("map-body"),
      el("p", {}, words(doc.fact) + " under " + doc.provision + " on " + doc.offence_date +
         ", the other facts as given"),
      el("table", {}, el("tr", {}, [words(doc.fact), "interval", "tier", "principal penalties"].map(
        (h) => el("th", { scope: "col" }, h))),
      doc.segments.map((s) => el("tr", {}, el("td", {}, span(s) + twin(s)),
        el("td", { class: "money" }, s.interval), el("td", { class: "ref" }, s.tier_ref || (s.liable ? "no tier" : "not liable")),
        el("td", {}, answer(s), s.ranges_vary ? el("div", { class: "help" }, "the ranges read " + words(doc.fact) +
          (s.ranges_at === null ? "" : ": these are at " + figure(s.ranges_at))) : null)))),
      doc.conversion ? rateLine(doc.conversion) : null);
    $("map").hidden = false;
  }

  // The tier map drawn (POST /chart, an SVG shown as an image: nothing in it can run).
  async function showChart(body) {
    const holder = $("chart");
    const none = (why) => put(holder, el("p", { class: "help", id: "no-chart" }, "No chart: " + why));
    try {
      const response = await fetch("/chart", { method: "POST", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", Accept: "image/svg+xml" } });
      if (!response.ok) {
        const doc = await response.json().catch(() => null);
        none(doc && doc.error ? doc.error.message : "the server answered " + response.status);
        return;
      }
      const image = el("img", { id: "chart-image", alt: "Step chart of the penalty ranges against " +
        words(body.vary) + "; the table below gives every figure" });
      image.addEventListener("load", () => URL.revokeObjectURL(image.src), { once: true });
      image.src = URL.createObjectURL(await response.blob());
      put(holder, image);
    } catch (error) {
      none(String(error.message));
    }
  }

  function varied(facts) {
    const quantities = state.facts.filter((f) => f.reads && (f.kind === "amount" || f.kind === "count"));
    const chosen = quantities.find((f) => f.name in facts) || quantities.find((f) => f.kind === "amount") ||
      quantities[0];
    return chosen ? chosen.name : null;
  }

  async function assess(event) {
    event.preventDefault();
    const button = $("assess");
    const provision = $("provision").value;
    const facts = given();
    const to = $("to").value.trim() || undefined;
    const rateDate = $("rate_date").value || undefined;
    clearAnswers();
    button.disabled = true;
    $("status").textContent = "Assessing…";
    try {
      if (rateDate && !to) {  // the API refuses a rate date with nothing to convert: say it here
        const error = new Error("a rate date needs a currency to convert into");
        error.detail = { type: "InvalidInput", field: "rate_date", message: "a rate date " +
          "needs a currency to convert into: fill in “Also show amounts in”, or clear the date" };
        throw error;
      }
      const doc = await api("POST", "/assess", { provision, facts, to, rate_date: rateDate });
      showResult(doc);
      // the version applied: in force on the offence date, or (lex mitior) a later one
      const version = doc.provision.version;
      const query = new URLSearchParams({ on: doc.offence_date < version ? version : doc.offence_date });
      if (to) {  // converted at the rate of the result beside it
        query.set("in", to);
        query.set("rate_date", rateDate || doc.offence_date);
      }
      const vary = varied(facts);
      const [table, map] = await Promise.allSettled([
        api("GET", "/thresholds/" + path(doc.provision.id) + "?" + query),  // the law applied
        vary ? api("POST", "/map", { provision, facts, vary, to, rate_date: rateDate }) : null]);
      if (table.status === "fulfilled") showThresholds(table.value, doc.offender); else showError(table.reason);
      if (map.status === "fulfilled" && map.value) {
        showMap(map.value);
        await showChart({ provision, facts, vary, to, rate_date: rateDate });
      } else if (map.status === "rejected") showError(map.reason);
      $("status").textContent = $("error").hidden ? "Done." : "Done, but a part could not be shown (the error below says why).";
    } catch (error) {
      $("status").textContent = "";
      showError(error);
    } finally {
      button.disabled = false;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("case").hidden = false;  // the form works: this script runs (without it, <noscript> says why)
    $("case").addEventListener("submit", assess);
    $("provision").addEventListener("change", () => {
      clearAnswers();
      loadFacts().catch(showError);
    });
    loadProvisions().catch(showError);
  });
})();
