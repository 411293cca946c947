/* 填报助手 — the filing assistant.
 *
 * A form for a new session (附件1), an audit record (附件2) or a visitor's
 * report, built from the session JSON Schema: every label is the schema's
 * `title`, every hint its `description`. On every change the data is
 * validated in the browser with the same schema (Ajv, vendored in vendor/),
 * problems are shown next to their fields in the checker's words, and the
 * YAML is written the way `python -m generator new` writes it.
 *
 * Written for this site, no framework. What the liaison types is data: it
 * only ever reaches the page through textContent and value, never as markup.
 * Inputs: window.zxzAssistant = {schema, data} (assistant-data.js, written by
 * generator/site/assistant.py) and window.ajv2020 (vendor/ajv2020.min.js).
 */
(function () {
  "use strict";

  var root = document.getElementById("zxz-assistant");
  if (!root) return;
  var bundle = window.zxzAssistant;
  var Ajv = window.ajv2020;
  if (!bundle || typeof Ajv !== "function") {
    root.textContent = "填报助手没有加载完整（缺少数据文件或校验程序）。请刷新页面；仍不行请联系党委宣传部。";
    return;
  }
  var SCHEMA = bundle.schema;
  // Other schemas (v2: the annual plan) are named by a first path step, e.g.
  // ["@plan", "items", 0, "month"]; labels skip that step (see `label`'s `skip`).
  var SCHEMAS = { "@plan": bundle.plan_schema || { type: "object" } };
  var DATA = bundle.data;
  var UNITS = {};
  DATA.units.forEach(function (u) { UNITS[u.id] = u; });
  var GROUPS = {};
  DATA.groups.forEach(function (g) { GROUPS[g.id] = g; });
  var TODAY = todayIn(DATA.timezone || "Asia/Shanghai");

  // ------------------------------------------------------------ dates

  var DATE_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

  /* The checker's rule (generator/schemas.py): YYYY-MM-DD and the day exists. */
  function isRealDate(text) {
    var m = DATE_RE.exec(text);
    if (!m) return false;
    var year = +m[1], month = +m[2], day = +m[3];
    if (year < 1 || month < 1 || month > 12 || day < 1) return false;
    var leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    var days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    return day <= days;
  }

  function todayIn(zone) {
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-US", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit"
      }).formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
      return parts.year + "-" + parts.month + "-" + parts.day;
    } catch (err) {
      var d = new Date();
      return d.getFullYear() + "-" + pad2(d.getMonth() + 1) + "-" + pad2(d.getDate());
    }
  }

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  function addDays(iso, days) {
    var m = DATE_RE.exec(iso);
    var d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3] + days));
    return d.getUTCFullYear() + "-" + pad2(d.getUTCMonth() + 1) + "-" + pad2(d.getUTCDate());
  }

  // ------------------------------------------------------------ the schema

  function resolve(node, root) {
    while (node && typeof node.$ref === "string" && node.$ref.indexOf("#/$defs/") === 0) {
      var merged = {};
      var target = (root || SCHEMA).$defs[node.$ref.slice(8)];
      Object.keys(target).forEach(function (k) { merged[k] = target[k]; });
      Object.keys(node).forEach(function (k) { if (k !== "$ref") merged[k] = node[k]; });
      node = merged;
    }
    return node || {};
  }

  /* The subschema at a data path: ["host", "name"], ["topics", 0, "title"]. */
  function at(path) {
    var root = SCHEMA;
    if (path.length && SCHEMAS[path[0]]) {
      root = SCHEMAS[path[0]];
      path = path.slice(1);
    }
    var node = resolve(root, root);
    path.forEach(function (step) {
      node = typeof step === "number" ? resolve(node.items, root) : resolve((node.properties || {})[step], root);
    });
    return node;
  }

  function title(path) { return at(path).title || String(path[path.length - 1]); }
  function hint(path) { return at(path).description || ""; }

  /* 「主持人及职务 › 姓名」「交流研讨人员、职务及发言提纲（第2条）› 发言人姓名」,
   * as generator.schemas.label says it; `skip` leading steps are not named. */
  function label(path, skip) {
    var parts = [];
    path.forEach(function (step, i) {
      if (i < (skip || 0)) return;
      if (typeof step === "number") {
        if (parts.length) parts[parts.length - 1] += "（第" + (step + 1) + "条）";
        return;
      }
      parts.push(title(path.slice(0, i + 1)));
    });
    return parts.length ? parts.join(" › ") : "记录";
  }

  function fieldName(path, skip) {
    var key = null;
    for (var i = path.length - 1; i >= 0; i--) {
      if (typeof path[i] === "string") { key = path[i]; break; }
    }
    return "「" + label(path, skip) + "」" + (key ? "（" + key + "）" : "");
  }

  // ------------------------------------------------------------ validation (Ajv)

  var ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
  ajv.addFormat("date", { type: "string", validate: isRealDate });
  var VALIDATE = {
    session: ajv.compile(SCHEMA),
    audit: ajv.getSchema(SCHEMA.$id + "#/properties/audits/items"),
    visitor: ajv.getSchema(SCHEMA.$id + "#/properties/visitors/items"),
    // v2 (followup.js): the rectification of an audit, and the annual plan
    rectification: ajv.getSchema(SCHEMA.$id + "#/properties/audits/items/properties/rectification"),
    plan: bundle.plan_schema ? ajv.compile(bundle.plan_schema) : null
  };

  var PATTERN_HINTS = {
    "^([01]?[0-9]|2[0-3]):[0-5][0-9]$": "应写成 14:30 或 9:30 这样的时间（英文冒号，时 0–23，分 00–59）",
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "应写成 2025-10-15 这样的日期（四位年-两位月-两位日）",
    "^[a-z][a-z0-9-]{1,31}$": "应是 org.yaml 里的编号：小写字母开头，只含小写字母、数字和 -，如 kjxy"
  };
  var TYPE_NAMES = {
    string: "文字", integer: "整数", number: "数字", boolean: "是或否",
    object: "“字段: 值”的映射", array: "列表"
  };

  function shown(value) {
    if (value === null || value === undefined) return "空";
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") return String(value);
    if (typeof value === "object") return Array.isArray(value) ? "列表" : "映射";
    var text = String(value);
    return "「" + text.slice(0, 40) + (text.length > 40 ? "…" : "") + "」";
  }

  function pointerPath(pointer) {
    if (!pointer) return [];
    return pointer.slice(1).split("/").map(function (part) {
      part = part.replace(/~1/g, "/").replace(/~0/g, "~");
      return /^[0-9]+$/.test(part) ? +part : part;
    });
  }

  function pointerOf(path) {
    return path.map(function (step) {
      return "/" + String(step).replace(/~/g, "~0").replace(/\//g, "~1");
    }).join("");
  }

  /* One Ajv error as the checker words it (generator/schemas.py), with the
   * data path of the field it belongs to. `base` is the data path of the
   * validated object inside a session file; `skip` how much of it not to name. */
  function explain(error, base, skip) {
    var path = base.concat(pointerPath(error.instancePath));
    var what = fieldName(path, skip);
    var value = error.data;
    var p = error.params;
    var message;
    switch (error.keyword) {
      case "required":
        path = path.concat([p.missingProperty]);
        message = "缺少必填字段" + fieldName(path, skip) + "，请填写。";
        break;
      case "dependentRequired":
        var trigger = fieldName(path.concat([p.property]), skip);
        // as generator/schemas.py words it: why the filled-in field needs the other
        var reason = p.property === "rectify_by" ? "要求整改就要写明问题和建议，"
          : path[path.length - 1] === "rectification" ? "说明整改情况已报送，" : "说明记录表已报送，";
        path = path.concat([p.missingProperty]);
        message = trigger + "已填写，" + reason + "还需要填写" + fieldName(path, skip) + "。";
        break;
      case "additionalProperties":
        message = "不认识的字段「" + p.additionalProperty + "」。";
        break;
      case "type":
        message = what + "应为" + (TYPE_NAMES[p.type] || p.type) + "，现在是" + shown(value) + "。";
        break;
      case "pattern":
        var h = PATTERN_HINTS[p.pattern];
        if (!h && path[path.length - 1] === "phone") {
          h = "应为电话号码，如 0931-1234567 或 13900000000（只写数字和 -）";
        }
        message = what + "写的是" + shown(value) + "，" + (h || "格式不对") + "。";
        if (typeof value === "string" && value.indexOf("：") >= 0) {
          message += "（注意：冒号要用英文半角“:”，不能用中文全角“：”）";
        }
        break;
      case "format":
        message = what + "写的是" + shown(value) + "，这一天不存在。请写成实际的日期，如 2025-10-15。";
        break;
      case "enum":
        message = what + "写的是" + shown(value) + "，只能是：" + p.allowedValues.join("、") + "。";
        break;
      case "minimum":
        message = what + "写的是 " + value + "，不能小于 " + p.limit + "。";
        break;
      case "maximum":
        message = what + "写的是 " + value + "，不能大于 " + p.limit + "。";
        break;
      case "minLength":
        message = what + "不能为空，请填写。";
        break;
      case "maxLength":
        message = what + "太长了，最多 " + p.limit + " 个字。";
        break;
      case "minItems":
        message = what + "至少要写 " + p.limit + " 项。";
        break;
      default:
        message = what + "不符合要求：" + error.message;
    }
    return { path: path.slice(base.length), message: message, keyword: error.keyword };
  }

  function schemaProblems(kind, data, base, skip) {
    var validate = VALIDATE[kind];
    if (validate(data)) return [];
    return validate.errors.map(function (e) { return explain(e, base, skip); });
  }

  // ------------------------------------------------------------ YAML text

  // Everything YAML may not carry raw inside double quotes (as generator/new.py):
  // controls, DEL and C1, the line and paragraph separators, BOM, non-characters,
  // and a lone surrogate half (written as U+FFFD: it is no character at all).
  var ESCAPE = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]/gu;
  var SHORT = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r" };

  /* A YAML double-quoted scalar with JSON-style escapes: valid YAML 1.1 and 1.2. */
  function quote(text) {
    if (text === undefined || text === null) text = "";
    return '"' + String(text).replace(ESCAPE, function (c) {
      if (SHORT[c]) return SHORT[c];
      var code = c.charCodeAt(0);
      if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
      return "\\u" + ("000" + code.toString(16)).slice(-4);
    }) + '"';
  }

  function scalar(value) {
    if (value === undefined || value === null) return "";  // only in a preview that is still invalid
    if (typeof value === "boolean") return value ? "true" : "false";
    if (typeof value === "number") return String(value);
    if (typeof value === "string" && DATE_RE.test(value)) return value;  // as records write dates
    return quote(value);
  }

  function wide(code) {
    return (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x20000 && code <= 0x3fffd);
  }

  function displayWidth(text) {
    var width = 0;
    for (var ch of text) width += wide(ch.codePointAt(0)) ? 2 : 1;
    return width;
  }

  /* Lines with comments aligned, like generator.new._Lines. */
  function Lines() { this.lines = []; }
  Lines.prototype.add = function (text, comment) { this.lines.push([text, comment || null]); };
  Lines.prototype.render = function (comments) {
    var widths = this.lines.filter(function (l) { return l[1]; }).map(function (l) { return displayWidth(l[0]); });
    var column = Math.min(Math.max.apply(null, [0].concat(widths)) + 2, 34);
    // without comments (a shorter address for the code host): the schema line stays
    return this.lines.filter(function (l, i) { return comments || i === 0 || !/^\s*#/.test(l[0]); })
      .map(function (l) {
        if (!l[1] || !comments) return l[0] + "\n";
        return l[0] + " ".repeat(Math.max(column - displayWidth(l[0]), 2)) + "# " + l[1] + "\n";
      }).join("");
  };

  function span(kind) {
    var d = (DATA.deadlines || {})[kind];
    if (!d) return "";
    return d.days + (d.count === "workday" ? " 个工作日" : " 天");
  }

  /* What a comment says for a value not given yet: a blank to fill, never "undefined". */
  function shownOr(value, blank) {
    return value === undefined || value === null || value === "" ? blank : String(value);
  }

  function sessionYaml(d, comments) {
    var unit = UNITS[d.unit] || { name: shownOr(d.unit, "（单位）") };
    var year = isRealDate(d.date || "") ? d.date.slice(0, 4) : "____";
    var seq = shownOr(d.year_seq, "__");
    var lines = new Lines();
    lines.add(DATA.schema_line);
    lines.add("# " + unit.name + " " + year + "年第" + seq + "次中心组学习（由站点“填报助手”于 " +
      TODAY + " 生成；“#”后面是填写说明，不影响内容）");
    lines.add("unit: " + scalar(d.unit), title(["unit"]) + "：" + unit.name + "（编号须与文件夹名一致）");
    lines.add("date: " + scalar(d.date), title(["date"]) + "（须与文件名一致）");
    lines.add("time: " + quote(d.time), title(["time"]) + "：开始时间，英文冒号");
    lines.add("location: " + scalar(d.location), title(["location"]));
    lines.add("year_seq: " + scalar(d.year_seq),
      title(["year_seq"]) + "：本单位 " + year + " 年第 " + seq + " 次中心组学习");
    lines.add("kind: " + scalar(d.kind), title(["kind"]) + "：党政联席会等其他会议不能代替中心组学习");
    lines.add("members: " + scalar(d.members), title(["members"]));
    if (d.present !== undefined) {
      lines.add("present: " + scalar(d.present), title(["present"]) + "：不超过中心组人数");
    } else {
      lines.add("# present:", title(["present"]) + "：学习结束后填写，如 present: 14");
    }
    var host = d.host || {};
    lines.add("host:", title(["host"]));
    lines.add("  name: " + scalar(host.name), title(["host", "name"]));
    lines.add("  title: " + scalar(host.title), title(["host", "title"]));
    lines.add("topics:", title(["topics"]) + "：至少一项");
    (d.topics || []).forEach(function (t) {
      lines.add("  - title: " + scalar(t.title), title(["topics", 0, "title"]));
      if (t.first_topic) lines.add("    first_topic: true", title(["topics", 0, "first_topic"]));
    });
    if (d.speakers) {
      lines.add("speakers:", title(["speakers"]));
      d.speakers.forEach(function (s) {
        lines.add("  - name: " + scalar(s.name), title(["speakers", 0, "name"]));
        if (s.title !== undefined) lines.add("    title: " + scalar(s.title), title(["speakers", 0, "title"]));
        if (s.outline !== undefined) lines.add("    outline: " + scalar(s.outline), title(["speakers", 0, "outline"]));
        if (s.written) lines.add("    written: true", title(["speakers", 0, "written"]));
      });
    } else {
      lines.add("# speakers:", title(["speakers"]) + "（可不填）");
    }
    var contact = d.contact || {};
    lines.add("contact:", title(["contact"]));
    lines.add("  name: " + scalar(contact.name), title(["contact", "name"]));
    lines.add("  phone: " + quote(contact.phone), title(["contact", "phone"]) + "（加英文引号）");
    var filed = d.filed || {};
    var head = d.filed ? "filed:" : "# filed:";
    lines.add(head, title(["filed"]));
    var before = "至少提前 " + span("arrangement");
    if (filed.arrangement) {
      lines.add("  arrangement: " + scalar(filed.arrangement),
        title(["filed", "arrangement"]) + "：报联络员和联系校领导，" + before);
    } else {
      lines.add("  # arrangement:", title(["filed", "arrangement"]) + "：报送后填写，" + before);
    }
    if (filed.post_copy) {
      lines.add("  post_copy: " + scalar(filed.post_copy), title(["filed", "post_copy"]));
    } else {
      lines.add("  # post_copy:",
        title(["filed", "post_copy"]) + "：学习后 " + span("post_copy") + "内报党委宣传部，报送后填写");
    }
    return lines.render(comments);
  }

  /* 附件2 as YAML lines: the whole entry ("  - group: …", keys at column 4, or at
   * opts.indent), with "audits:" first when opts.withKey; or, with opts.keys, only
   * those keys, to be inserted at the end of an entry whose keys stand at opts.indent. */
  function auditYaml(item, opts) {
    var lines = new Lines();
    var group = GROUPS[item.group];
    var indent = opts.indent || 4;
    var pad = " ".repeat(indent);
    var only = opts.keys || null;
    var wants = function (key) { return !only || only.indexOf(key) >= 0; };
    if (opts.withKey) lines.add("audits:", title(["audits"]));
    if (!only) {
      lines.add(" ".repeat(indent - 2) + "- group: " + scalar(item.group),
        title(["audits", 0, "group"]) + (group ? "：组长 " + group.leader : ""));
    }
    if (item.findings && wants("findings")) {
      lines.add(pad + "findings:", title(["audits", 0, "findings"]));
      FINDINGS.forEach(function (name) {
        if (item.findings[name] !== undefined) {
          lines.add(pad + "  " + name + ": " + scalar(item.findings[name]), title(["audits", 0, "findings", name]));
        }
      });
    }
    if (item.problems !== undefined && wants("problems")) {
      lines.add(pad + "problems: " + scalar(item.problems), title(["audits", 0, "problems"]));
    }
    if (item.filed && wants("filed")) lines.add(pad + "filed: " + scalar(item.filed), title(["audits", 0, "filed"]));
    else if (!only) lines.add(pad + "# filed:", title(["audits", 0, "filed"]) + "：送交党委宣传部后填写");
    return lines.render(opts.comments);
  }

  function visitorYaml(item, withKey, comments) {
    var lines = new Lines();
    var unit = UNITS[item.unit];
    if (withKey) lines.add("visitors:", title(["visitors"]));
    lines.add("  - unit: " + scalar(item.unit), title(["visitors", 0, "unit"]) + (unit ? "：" + unit.name : ""));
    lines.add("    name: " + scalar(item.name), title(["visitors", 0, "name"]));
    lines.add("    role: " + scalar(item.role), title(["visitors", 0, "role"]) + "：书记 或 副书记");
    if (item.report_filed) {
      lines.add("    report_filed: " + scalar(item.report_filed), title(["visitors", 0, "report_filed"]));
    } else {
      lines.add("    # report_filed:", title(["visitors", 0, "report_filed"]) + "：书面报告报送后填写");
    }
    return lines.render(comments);
  }

  // ------------------------------------------------------------ DOM helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  var uid = 0;

  /* A labelled field: the schema's title as label, its description as hint,
   * the input, and a place for the problem. */
  function field(path, input, opts) {
    opts = opts || {};
    var id = "zxz-a-" + (++uid);
    input.id = id;
    input.classList.add("zxz-a-input");
    var error = el("div", { class: "zxz-a-error", role: "alert" });
    var required = opts.required !== undefined ? opts.required : isRequired(path);
    var wrap = el("div", { class: "zxz-a-field" + (opts.wide ? " zxz-a-wide" : "") + (opts.cls ? " " + opts.cls : "") }, [
      el("label", { for: id, class: "zxz-a-label" }, [
        opts.label || title(path),
        required ? el("span", { class: "zxz-a-req", title: "必填", text: "*" }) : null
      ]),
      input,
      opts.hint === false ? null : el("div", { class: "zxz-a-hint", text: opts.hint || hint(path) }),
      error
    ]);
    input.zxzError = error;
    input.zxzWrap = wrap;
    if (opts.ptr !== false) input.dataset.ptr = pointerOf(opts.rel || path);
    return wrap;
  }

  function isRequired(path) {
    if (!path.length) return false;
    var parent = at(path.slice(0, -1));
    var last = path[path.length - 1];
    return (parent.required || []).indexOf(last) >= 0;
  }

  function textInput(attrs) { return el("input", Object.assign({ type: "text", autocomplete: "off" }, attrs || {})); }
  function dateInput() { return el("input", { type: "date" }); }
  function intInput() { return el("input", { type: "text", inputmode: "numeric", autocomplete: "off" }); }
  function textArea(rows) { return el("textarea", { rows: rows || 3 }); }
  function checkbox() { return el("input", { type: "checkbox" }); }

  function select(options, placeholder) {
    var node = el("select");
    setOptions(node, options, placeholder);
    return node;
  }

  function setOptions(node, options, placeholder) {
    var old = node.value;
    while (node.firstChild) node.removeChild(node.firstChild);
    if (placeholder) node.appendChild(el("option", { value: "", text: placeholder }));
    options.forEach(function (o) { node.appendChild(el("option", { value: o[0], text: o[1] })); });
    if (options.some(function (o) { return o[0] === old; })) node.value = old;
  }

  function section(heading, description, children) {
    return el("fieldset", { class: "zxz-a-section" }, [
      el("legend", { text: heading }),
      description ? el("p", { class: "zxz-a-section-hint", text: description }) : null,
      el("div", { class: "zxz-a-grid" }, children)
    ]);
  }

  function text(input) { return input.value.trim(); }

  /* 「１４：３０」「14：30」「１５」 as a Chinese input method types them: full-width digits,
   * colons and dashes become ASCII (NFKC, as `python -m generator new` reads a terminal),
   * before anything is checked; the field shows the value as it will be written. */
  function normalized(input) {
    var v = input.value.normalize("NFKC").trim();
    return v;
  }

  function normalizing(input) {
    input.addEventListener("change", function () {
      var v = normalized(input);
      if (v !== input.value) input.value = v;
    });
    return input;
  }

  function intValue(input) {
    var v = normalized(input);
    if (v === "") return undefined;
    return /^[0-9]{1,15}$/.test(v) ? parseInt(v, 10) : v;
  }

  function put(obj, key, value) { if (value !== undefined && value !== "") obj[key] = value; }

  function unitOptions(exclude) {
    return DATA.units.filter(function (u) { return u.id !== exclude; })
      .map(function (u) { return [u.id, u.name + "（" + u.id + "）"]; });
  }

  function recentSessions(unitId) { return (DATA.sessions || {})[unitId] || []; }

  function sessionOptions(unitId) {
    return recentSessions(unitId).map(function (s) {
      var note = s.date > TODAY ? "，计划" : "";
      return [s.slug, s.date + (s.slug.length > 10 ? "（当天第" + s.slug.slice(11) + "次）" : "") + " " + s.time +
        "（" + s.date.slice(0, 4) + "年第" + s.year_seq + "次" + (s.kind !== "中心组学习" ? "，" + s.kind : "") + note + "）"];
    });
  }

  function sessionBySlug(unitId, slug) {
    return recentSessions(unitId).filter(function (s) { return s.slug === slug; })[0] || null;
  }

  function recordPath(unitId, slug) { return "records/sessions/" + unitId + "/" + slug + ".yaml"; }

  // ------------------------------------------------------------ mode: a new session (附件1)

  var FINDINGS = ["organization", "content", "method", "effect"];

  function sessionMode() {
    var f = {
      unit: select(unitOptions(), "请选择本单位"),
      date: dateInput(),
      time: normalizing(textInput({ placeholder: "14:30" })),
      location: textInput(),
      year_seq: normalizing(intInput()),
      kind: select((at(["kind"]).enum || []).map(function (k) { return [k, k]; })),
      members: normalizing(intInput()),
      present: normalizing(intInput()),
      host_name: textInput(),
      host_title: textInput(),
      contact_name: textInput(),
      contact_phone: normalizing(textInput({ placeholder: "0931-1234567", inputmode: "tel" })),
      arrangement: dateInput(),
      post_copy: dateInput()
    };
    f.kind.value = at(["kind"]).default || "中心组学习";
    f.arrangement.value = TODAY;
    var prefilled = {};

    var topics = el("div", { class: "zxz-a-rows", "data-ptr": "/topics" });
    var speakers = el("div", { class: "zxz-a-rows", "data-ptr": "/speakers" });
    var topicsError = el("div", { class: "zxz-a-error", role: "alert" });
    var speakersError = el("div", { class: "zxz-a-error", role: "alert" });
    topics.zxzError = topicsError;
    speakers.zxzError = speakersError;

    function topicRow(first) {
      var t = textInput({ placeholder: first ? "如：学习习近平总书记在……上的重要讲话" : "" });
      var c = checkbox();
      c.checked = !!first;
      var row = el("div", { class: "zxz-a-row" }, [
        field(["topics", 0, "title"], t, { wide: true, ptr: false, required: true }),
        el("label", { class: "zxz-a-check", title: hint(["topics", 0, "first_topic"]) }, [c, " " + title(["topics", 0, "first_topic"])]),
        removeButton(topics)
      ]);
      row.zxz = { title: t, first_topic: c };
      return row;
    }

    function speakerRow() {
      var n = textInput(), t = textInput(), o = textInput(), w = checkbox();
      var row = el("div", { class: "zxz-a-row zxz-a-row-speaker" }, [
        field(["speakers", 0, "name"], n, { ptr: false, required: true, hint: false }),
        field(["speakers", 0, "title"], t, { ptr: false, hint: false }),
        field(["speakers", 0, "outline"], o, { ptr: false, hint: false, wide: true }),
        el("label", { class: "zxz-a-check", title: hint(["speakers", 0, "written"]) }, [w, " " + title(["speakers", 0, "written"])]),
        removeButton(speakers)
      ]);
      row.zxz = { name: n, title: t, outline: o, written: w };
      return row;
    }

    function removeButton(list) {
      var button = el("button", { type: "button", class: "zxz-a-remove", title: "删除这一项", "aria-label": "删除这一项", text: "×" });
      button.addEventListener("click", function () {
        list.removeChild(button.parentNode);
        update();
      });
      return button;
    }

    topics.appendChild(topicRow(true));

    var panel = el("div", { class: "zxz-a-panel" }, [
      section("基本信息", SCHEMA.description, [
        field(["unit"], f.unit, { hint: "本单位（文件夹 records/sessions/编号/）" }),
        field(["date"], f.date),
        field(["time"], f.time),
        field(["location"], f.location),
        field(["year_seq"], f.year_seq),
        field(["kind"], f.kind)
      ]),
      section(title(["members"]) + "、" + title(["host"]), null, [
        field(["members"], f.members),
        field(["present"], f.present),
        field(["host", "name"], f.host_name, { label: title(["host"]) + " · " + title(["host", "name"]), hint: hint(["host"]) }),
        field(["host", "title"], f.host_title, { label: title(["host"]) + " · " + title(["host", "title"]), hint: "如 党委书记" })
      ]),
      el("fieldset", { class: "zxz-a-section" }, [
        el("legend", { text: title(["topics"]) }),
        el("p", { class: "zxz-a-section-hint", text: hint(["topics"]) }),
        topics, topicsError,
        el("button", { type: "button", class: "zxz-a-add", text: "＋ 添加一项" + title(["topics"]),
          onclick: function () { topics.appendChild(topicRow(false)); update(); } })
      ]),
      el("fieldset", { class: "zxz-a-section" }, [
        el("legend", { text: title(["speakers"]) }),
        el("p", { class: "zxz-a-section-hint", text: hint(["speakers"]) }),
        speakers, speakersError,
        el("button", { type: "button", class: "zxz-a-add", text: "＋ 添加" + title(["speakers", 0]),
          onclick: function () { speakers.appendChild(speakerRow()); update(); } })
      ]),
      section(title(["contact"]), hint(["contact"]), [
        field(["contact", "name"], f.contact_name),
        field(["contact", "phone"], f.contact_phone)
      ]),
      section(title(["filed"]), hint(["filed"]), [
        field(["filed", "arrangement"], f.arrangement),
        field(["filed", "post_copy"], f.post_copy)
      ])
    ]);

    function prefill(name, value) {
      var input = f[name];
      if (value === undefined || value === null) value = "";
      value = String(value);
      if (input.value === "" || input.value === prefilled[name]) {
        input.value = value;
        prefilled[name] = value;
      }
    }

    function nextSeq(unitId, year) {
      var unit = UNITS[unitId];
      if (unit && unit.next_year_seq && unit.next_year_seq[year]) return unit.next_year_seq[year];
      var top = 0;
      recentSessions(unitId).forEach(function (s) {
        if (s.date.slice(0, 4) === year && s.year_seq > top) top = s.year_seq;
      });
      return top + 1;
    }

    function onUnitOrDate(event) {
      var unit = UNITS[f.unit.value];
      if (event && event.target === f.unit && unit) {
        var last = unit.last;
        prefill("location", last && last.location);
        prefill("members", last && last.members);
        prefill("host_name", last ? last.host.name : unit.secretary);
        prefill("host_title", last ? last.host.title :
          ({ "党委": "党委书记", "党总支": "党总支书记" }[unit.kind] || "党支部书记"));
        prefill("contact_name", last && last.contact.name);
        f.time.placeholder = last && last.time ? "如 " + last.time + "（上次）" : "14:30";
      }
      if (unit && !f.year_seq.dataset.user) {
        var year = isRealDate(f.date.value) ? f.date.value.slice(0, 4) : TODAY.slice(0, 4);
        f.year_seq.value = String(nextSeq(unit.id, year));
      }
    }
    f.unit.addEventListener("change", onUnitOrDate);
    f.date.addEventListener("change", onUnitOrDate);
    f.date.addEventListener("input", onUnitOrDate);
    f.year_seq.addEventListener("input", function () { f.year_seq.dataset.user = "1"; });

    function slugFor(unitId, date) {
      var taken = {};
      recentSessions(unitId).forEach(function (s) { taken[s.slug] = true; });
      if (!taken[date]) return date;
      for (var n = 2; ; n++) if (!taken[date + "-" + n]) return date + "-" + n;
    }

    function collect() {
      var d = {};
      put(d, "unit", f.unit.value);
      put(d, "date", text(f.date));
      put(d, "time", normalized(f.time));
      put(d, "location", text(f.location));
      put(d, "year_seq", intValue(f.year_seq));
      put(d, "kind", f.kind.value);
      put(d, "members", intValue(f.members));
      put(d, "present", intValue(f.present));
      d.host = {};
      put(d.host, "name", text(f.host_name));
      put(d.host, "title", text(f.host_title));
      // every row is an item, a blank one too (it is refused until filled or deleted):
      // a row's place in the list is its place in the data, so problems find their field
      d.topics = [];
      Array.prototype.forEach.call(topics.children, function (row, i) {
        var item = {};
        put(item, "title", text(row.zxz.title));
        if (row.zxz.first_topic.checked) item.first_topic = true;
        row.zxz.title.dataset.ptr = "/topics/" + i + "/title";
        row.zxz.first_topic.dataset.ptr = "/topics/" + i + "/first_topic";
        d.topics.push(item);
      });
      var list = [];
      Array.prototype.forEach.call(speakers.children, function (row, i) {
        var z = row.zxz;
        var item = {};
        put(item, "name", text(z.name));
        put(item, "title", text(z.title));
        put(item, "outline", text(z.outline));
        if (z.written.checked) item.written = true;
        ["name", "title", "outline", "written"].forEach(function (k) { z[k].dataset.ptr = "/speakers/" + i + "/" + k; });
        list.push(item);
      });
      if (list.length) d.speakers = list;
      d.contact = {};
      put(d.contact, "name", text(f.contact_name));
      put(d.contact, "phone", normalized(f.contact_phone));
      var filed = {};
      put(filed, "arrangement", text(f.arrangement));
      put(filed, "post_copy", text(f.post_copy));
      if (Object.keys(filed).length) d.filed = filed;
      return d;
    }

    function extra(d, problems) {
      var out = [];
      if (typeof d.present === "number" && typeof d.members === "number" && d.present > d.members) {
        out.push({ path: ["present"], message: fieldName(["present"]) + "是 " + d.present + "，多于" +
          fieldName(["members"]) + " " + d.members + "。" });
      }
      if (d.unit && d.date && isRealDate(d.date) && typeof d.year_seq === "number") {
        recentSessions(d.unit).forEach(function (s) {
          if (s.date.slice(0, 4) === d.date.slice(0, 4) && s.year_seq === d.year_seq && s.slug !== d.date) {
            out.push({ path: ["year_seq"], message: fieldName(["year_seq"]) + "是 " + d.year_seq + "，与 " + s.date +
              " 的学习重复：本单位 " + d.date.slice(0, 4) + " 年已有第 " + d.year_seq + " 次，请写 " +
              nextSeq(d.unit, d.date.slice(0, 4)) + "。" });
          }
        });
      }
      var filed = d.filed || {};
      ["arrangement", "post_copy"].forEach(function (k) {
        var v = filed[k];
        if (!v || !isRealDate(v)) return;
        if (v > TODAY) {
          out.push({ path: ["filed", k], message: fieldName(["filed", k]) + "是 " + v + "，晚于今天（" + TODAY +
            "）：请写实际报送的日期，还没报送就不写。" });
        } else if (k === "post_copy" && d.date && isRealDate(d.date) && v < d.date) {
          out.push({ path: ["filed", k], message: fieldName(["filed", k]) + "是 " + v + "，早于" +
            fieldName(["date"]) + " " + d.date + "：会后才能报送。" });
        }
      });
      return out;
    }

    function notes(d) {
      var out = [];
      var a = (d.filed || {}).arrangement;
      var rule = (DATA.deadlines || {}).arrangement;
      if (a && d.date && isRealDate(a) && isRealDate(d.date) && rule && rule.count === "calendar") {
        var due = addDays(d.date, -rule.days);
        if (a > due) out.push("安排表应至少提前 " + span("arrangement") + "报送（最晚 " + due + "）；" + a + " 报送会记为迟报。");
      }
      if (d.topics && d.topics.length && !d.topics.some(function (t) { return t.first_topic; })) {
        out.push("没有标“第一议题”的学习内容：检查会提示“未落实第一议题”。");
      }
      return out;
    }

    return {
      key: "session",
      name: "新学习记录（附件1）",
      panel: panel,
      init: function () { onUnitOrDate(); },
      compute: function () {
        var d = collect();
        var problems = schemaProblems("session", d, [], 0);
        problems = problems.concat(extra(d, problems));
        var slug = d.unit && d.date && isRealDate(d.date) ? slugFor(d.unit, d.date) : null;
        return {
          data: d,
          problems: problems,
          notes: notes(d),
          yaml: function (comments) { return sessionYaml(d, comments); },
          path: slug ? recordPath(d.unit, slug) : null,
          download: (slug || "新学习记录") + ".yaml",
          action: "new",
          howto: slug ? "这是一个新文件：保存为 " + recordPath(d.unit, slug) + "，然后提交合并请求。" : "",
          label: function (path) { return fieldName(path); }
        };
      }
    };
  }

  // ------------------------------------------------------------ modes: audit (附件2) and visitor

  /* The unit and session an audit or a visitor is added to. */
  function sessionPicker() {
    var unit = select(unitOptions(), "请选择被列席的单位");
    var session = select([], "请先选择单位");
    function refresh() {
      setOptions(session, sessionOptions(unit.value), unit.value ? "请选择哪一次学习" : "请先选择单位");
    }
    unit.addEventListener("change", refresh);
    return {
      unit: unit,
      session: session,
      fields: [
        field(["unit"], unit, { label: "被列席的" + title(["unit"]), hint: "学习会所属的单位", ptr: false, required: true }),
        field(["date"], session, { label: "哪一次学习（" + title(["date"]) + "）", hint: "本站近一年的学习；记录在该次学习的文件里", ptr: false, required: true })
      ],
      problems: function () {
        var out = [];
        if (!unit.value) out.push({ el: unit, message: "请选择被列席的单位。" });
        else if (!session.value) out.push({ el: session, message: "请选择哪一次学习。" });
        return out;
      },
      current: function () { return unit.value && session.value ? sessionBySlug(unit.value, session.value) : null; }
    };
  }

  /* Which lines of a session's file an entry takes (as of the site's last build). */
  function linesOf(entry) {
    if (!entry || !entry.line) return "";
    return entry.line === entry.end ? "第 " + entry.line + " 行" : "第 " + entry.line + "–" + entry.end + " 行";
  }

  var AS_BUILT = "（行号按站点最近一次更新时的文件；文件之后改过的，请按内容找到这一项）";

  function auditMode() {
    var pick = sessionPicker();
    var f = {
      group: select(DATA.groups.map(function (g) { return [g.id, g.id + "（组长 " + g.leader + "，联络员 " + g.liaison + "）"]; }), "请选择"),
      problems: textArea(3),
      filed: dateInput()
    };
    FINDINGS.forEach(function (name) { f[name] = textArea(2); });
    f.filed.value = TODAY;
    var base = ["audits", 0];
    var shownFrom = null;  // the existing entry whose text the fields were filled with
    var prefilled = {};
    var existingNote = el("p", { class: "zxz-a-existing", hidden: true });

    /* The entry of this group already in the session's file, if any. */
    function existingEntry() {
      var session = pick.current();
      if (!session || !f.group.value) return null;
      return session.audits.filter(function (a) { return a.group === f.group.value; })[0] || null;
    }

    /* Show what an existing, not yet filed entry says: the liaison completes it. */
    function showExisting() {
      var entry = existingEntry();
      var key = entry && !entry.filed ? pick.unit.value + "/" + pick.session.value + "/" + entry.group : null;
      if (key === shownFrom) return;
      shownFrom = key;
      FINDINGS.concat(["problems"]).forEach(function (name) {
        var value = !key ? "" : name === "problems" ? entry.problems || "" : (entry.findings || {})[name] || "";
        // a field the liaison typed in keeps its text; one filled from a record follows the pick
        if (f[name].value === "" || f[name].value === prefilled[name]) {
          f[name].value = value;
          prefilled[name] = value;
        }
      });
      existingNote.hidden = !key;
      existingNote.textContent = !key ? "" : entry.planned
        ? "这次学习已记有列席旁听组「" + entry.group + "」的计划列席（" + linesOf(entry) + "）。填写下面各项，生成的几行补进这一项，不要另加一项。"
        : "这次学习已有列席旁听组「" + entry.group + "」的记录（" + linesOf(entry) + "，尚未报送），下面已填入其中的内容。补全缺少的各项和报送日期，生成的几行补进这一项，不要另加一项。";
    }
    pick.unit.addEventListener("change", function () {
      var unit = UNITS[pick.unit.value];
      if (unit && unit.group) f.group.value = unit.group;
      showExisting();
    });
    pick.session.addEventListener("change", showExisting);
    f.group.addEventListener("change", showExisting);

    var panel = el("div", { class: "zxz-a-panel" }, [
      section(title(base), hint(["audits"]), pick.fields.concat([
        field(base.concat("group"), f.group, { rel: ["group"] }),
        existingNote
      ])),
      section(title(base.concat("findings")), hint(base.concat("findings")), FINDINGS.map(function (name) {
        return field(base.concat("findings", name), f[name], { rel: ["findings", name], wide: true });
      })),
      section(title(base.concat("problems")) + "、" + title(base.concat("filed")), null, [
        field(base.concat("problems"), f.problems, { rel: ["problems"], wide: true }),
        field(base.concat("filed"), f.filed, { rel: ["filed"] })
      ])
    ]);

    function collect() {
      var item = {};
      put(item, "group", f.group.value);
      var findings = {};
      FINDINGS.forEach(function (name) { put(findings, name, text(f[name])); });
      if (Object.keys(findings).length) item.findings = findings;
      put(item, "problems", text(f.problems));
      put(item, "filed", text(f.filed));
      return item;
    }

    /* How the form differs from the entry in the file: keys it adds at the entry's end, or
     * a change of what is there (then the whole entry is rewritten). */
    function difference(item, entry) {
      var changed = false;
      var had = entry.findings || null;
      if (had) {
        FINDINGS.forEach(function (name) {
          if (((item.findings || {})[name] || "") !== String(had[name] || "").trim()) changed = true;
        });
      }
      if (entry.problems && item.problems !== String(entry.problems).trim()) changed = true;
      var added = [];
      if (!had && item.findings) added.push("findings");
      if (!entry.problems && item.problems !== undefined) added.push("problems");
      if (item.filed) added.push("filed");
      return { changed: changed || !!entry.flow || !entry.line, added: added };
    }

    return {
      key: "audit",
      name: "列席旁听记录（附件2）",
      panel: panel,
      init: function () {},
      compute: function () {
        var item = collect();
        var problems = schemaProblems("audit", item, base, 2);
        var session = pick.current();
        var unit = UNITS[pick.unit.value];
        pick.problems().forEach(function (p) { problems.push(p); });
        var existing = existingEntry();
        if (existing && existing.filed) {
          problems.push({ el: pick.session, message: "这次学习已有列席旁听组「" + item.group +
            "」报送的记录表。需要更正请直接编辑该文件，并在 amendments 里写明更正原因。" });
        }
        if (unit && item.group && unit.group && item.group !== unit.group) {
          problems.push({ path: ["group"], message: fieldName(base.concat("group"), 2) + "写的是「" + item.group +
            "」，但联系" + unit.name + "的是「" + unit.group + "」。" });
        }
        if (item.filed && isRealDate(item.filed)) {
          if (item.filed > TODAY) {
            problems.push({ path: ["filed"], message: fieldName(base.concat("filed"), 2) + "是 " + item.filed +
              "，晚于今天（" + TODAY + "）：请写实际报送的日期，还没报送就清空。" });
          } else if (session && item.filed < session.date) {
            problems.push({ path: ["filed"], message: fieldName(base.concat("filed"), 2) + "是 " + item.filed +
              "，早于学习日期 " + session.date + "。" });
          }
          var missing = FINDINGS.filter(function (n) { return !(item.findings || {})[n]; })
            .map(function (n) { return "「" + title(base.concat("findings", n)) + "」"; });
          if (!item.problems) missing.push("「" + title(base.concat("problems")) + "」");
          if (missing.length && (item.findings || item.problems)) {
            // says all that dependentRequired says, and what else 附件2 needs
            problems = problems.filter(function (p) { return p.keyword !== "dependentRequired"; });
            problems.push({ path: ["filed"], message: "记录表已报送时，附件2 的四项主要情况和问题和建议都要填写，还缺：" +
              missing.join("、") + "。" });
          }
        }
        var path = session ? recordPath(pick.unit.value, session.slug) : null;
        var open = existing && !existing.filed;
        var diff = open ? difference(item, existing) : null;
        if (open && !diff.changed && !diff.added.length) {
          problems.push({ el: pick.session, message: "表格与文件中已有的这一项相同，没有要补充的内容：填写记录表报送日期或修改内容后再生成。" });
        }
        var yaml, howto, notes = [];
        if (open && !diff.changed) {
          // only keys the entry lacks: inserted after its last line, aligned with its keys
          yaml = function (comments) { return auditYaml(item, { keys: diff.added, indent: existing.column, comments: comments }); };
          howto = "打开 " + path + "，在第 " + existing.end + " 行（audits: 下「- group: " + item.group +
            "」这一项的最后一行）之后插入下面几行，各行的字段与这一项的字段对齐。不要另加一项「- group: " +
            item.group + "」。" + AS_BUILT;
        } else if (open) {
          yaml = function (comments) { return auditYaml(item, { indent: existing.column || 4, comments: comments }); };
          howto = "打开 " + path + "，用下面几行替换" + (existing.line ? linesOf(existing) : "") + "（audits: 下「- group: " +
            item.group + "」这一项，到下一项或文件中下一个字段之前为止）：这一项改为下面的完整内容。" +
            (existing.line ? AS_BUILT : "");
        } else {
          var withKey = !session || !session.audits.length;
          yaml = function (comments) { return auditYaml(item, { withKey: withKey, comments: comments }); };
          howto = !session ? "" : withKey
            ? "打开 " + path + "，把下面几行加在文件末尾（该文件还没有 audits:）。"
            : "打开 " + path + "，把下面几行插在" + (session.audits_end ? "第 " + session.audits_end + " 行（" : "") +
              "audits: 列表最后一项的末尾" + (session.audits_end ? "）" : "") + "之后，「- group:」与上面各项对齐。" +
              (session.audits_end ? AS_BUILT : "");
        }
        return {
          data: item,
          problems: problems,
          notes: notes,
          yaml: yaml,
          path: path,
          download: (session ? session.slug + "-" : "") + "audit-" + (item.group || "") + ".yaml",
          action: "edit",
          howto: howto
        };
      }
    };
  }

  function visitorMode() {
    var pick = sessionPicker();
    var roles = (at(["visitors", 0, "role"]).enum || []).map(function (r) { return [r, r]; });
    var f = {
      unit: select(unitOptions(), "请选择列席人所在单位"),
      role: select(roles),
      name: select([], "请先选择单位"),
      report_filed: dateInput()
    };
    function names() {
      var unit = UNITS[f.unit.value];
      var list = !unit ? [] : f.role.value === "书记" ? [unit.secretary] : unit.deputy_secretaries;
      setOptions(f.name, list.map(function (n) { return [n, n]; }),
        !unit ? "请先选择单位" : list.length ? null : "（org.yaml 中没有登记）");
      if (list.length && !f.name.value) f.name.value = list[0];
    }
    f.unit.addEventListener("change", names);
    f.role.addEventListener("change", names);
    pick.unit.addEventListener("change", function () {
      setOptions(f.unit, unitOptions(pick.unit.value), "请选择列席人所在单位");
      names();
    });
    var base = ["visitors", 0];
    var panel = el("div", { class: "zxz-a-panel" }, [
      section(title(base), hint(["visitors"]), pick.fields.concat([
        field(base.concat("unit"), f.unit, { rel: ["unit"] }),
        field(base.concat("role"), f.role, { rel: ["role"] }),
        field(base.concat("name"), f.name, { rel: ["name"], hint: "org.yaml 中该单位的书记、副书记" }),
        field(base.concat("report_filed"), f.report_filed, { rel: ["report_filed"] })
      ]))
    ]);

    return {
      key: "visitor",
      name: "列席情况报告",
      panel: panel,
      init: names,
      compute: function () {
        var item = {};
        put(item, "unit", f.unit.value);
        put(item, "name", f.name.value);
        put(item, "role", f.role.value);
        put(item, "report_filed", text(f.report_filed));
        var problems = schemaProblems("visitor", item, base, 2);
        pick.problems().forEach(function (p) { problems.push(p); });
        var session = pick.current();
        var existing = null;
        if (session && item.unit && item.name) {
          existing = session.visitors.filter(function (v) { return v.unit === item.unit && v.name === item.name; })[0] || null;
          if (existing && existing.filed) {
            problems.push({ el: pick.session, message: "这次学习已记有" + item.name + "列席及其报告日期。需要更正请直接编辑该文件，并在 amendments 里写明更正原因。" });
          }
        }
        var r = item.report_filed;
        if (r && isRealDate(r)) {
          if (r > TODAY) {
            problems.push({ path: ["report_filed"], message: fieldName(base.concat("report_filed"), 2) + "是 " + r +
              "，晚于今天（" + TODAY + "）：请写实际报送的日期，还没报送就清空。" });
          } else if (session && r < session.date) {
            problems.push({ path: ["report_filed"], message: fieldName(base.concat("report_filed"), 2) + "是 " + r +
              "，早于学习日期 " + session.date + "。" });
          }
        }
        var withKey = !session || !session.visitors.length;
        var path = session ? recordPath(pick.unit.value, session.slug) : null;
        var yaml = function (comments) { return visitorYaml(item, withKey, comments); };
        var howto;
        if (existing && existing.line && !existing.flow) {
          // the visitor is recorded: only the report's date is added to that entry
          if (!item.report_filed) {
            problems.push({ path: ["report_filed"], message: "这次学习已记有" + item.name + "列席（第 " + existing.line +
              " 行）。请填写" + fieldName(base.concat("report_filed"), 2) + "，生成的一行补进这一项。" });
          }
          yaml = function (comments) {
            var lines = new Lines();
            lines.add(" ".repeat(existing.column) + "report_filed: " + scalar(item.report_filed),
              title(["visitors", 0, "report_filed"]));
            return lines.render(comments);
          };
          howto = "打开 " + path + "，在第 " + existing.end + " 行（visitors: 下" + item.name +
            "这一项的最后一行）之后插入下面一行，与这一项的 role 对齐。不要另加一项。" + AS_BUILT;
        } else if (existing) {
          howto = "打开 " + path + "，在 visitors: 下" + item.name + "那一项里加上 report_filed 一行（与 role 对齐）。";
        } else {
          howto = !session ? "" : withKey
            ? "打开 " + path + "，把下面几行加在文件末尾（该文件还没有 visitors:）。"
            : "打开 " + path + "，把下面几行插在" + (session.visitors_end ? "第 " + session.visitors_end + " 行（" : "") +
              "visitors: 列表最后一项的末尾" + (session.visitors_end ? "）" : "") + "之后，「- unit:」与上面各项对齐。" +
              (session.visitors_end ? AS_BUILT : "");
        }
        return {
          data: item,
          problems: problems,
          notes: [],
          yaml: yaml,
          path: path,
          download: (session ? session.slug + "-" : "") + "visitor.yaml",
          action: "edit",
          howto: howto
        };
      }
    };
  }

  // ------------------------------------------------------------ output, buttons, code host

  var URL_LIMIT = 8000;  // beyond this some servers refuse the request line

  /* The code host's web editor for a record: {path} the file's path in the repository,
   * {dir} its folder and {name} its name (GitHub and Gitea take `new/<branch>/{dir}
   * ?filename={name}&value={yaml}`), {yaml} the content. See mkdocs.yml. */
  function hostUrl(template, path, yaml) {
    var segments = function (p) { return p.split("/").map(encodeURIComponent).join("/"); };
    var cut = path.lastIndexOf("/");
    var parts = {
      "{path}": segments(path),
      "{dir}": segments(path.slice(0, cut)),
      "{name}": encodeURIComponent(path.slice(cut + 1)),
      "{yaml}": encodeURIComponent(yaml)
    };
    return template.replace(/\{(path|dir|name|yaml)\}/g, function (key) { return parts[key]; });
  }

  function copyText(value, textarea) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(value).catch(function () { return legacyCopy(textarea); });
    }
    return Promise.resolve(legacyCopy(textarea));
  }

  function legacyCopy(textarea) {
    textarea.hidden = false;
    textarea.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
    textarea.hidden = true;
    if (!ok) throw new Error("copy");
  }

  // Forms defined in other scripts (followup.js: 整改情况, 年度学习计划) get the helpers
  // they share with the forms above; each returns a mode like sessionMode's.
  var kit = {
    DATA: DATA, UNITS: UNITS, GROUPS: GROUPS, TODAY: TODAY,
    isRealDate: isRealDate, addDays: addDays, at: at, title: title, hint: hint, label: label,
    fieldName: fieldName, schemaProblems: schemaProblems, quote: quote, scalar: scalar,
    Lines: Lines, el: el, field: field, section: section, select: select, setOptions: setOptions,
    textInput: textInput, dateInput: dateInput, textArea: textArea, text: text, put: put,
    unitOptions: unitOptions, recentSessions: recentSessions, recordPath: recordPath,
    update: function () { update(); }
  };
  var modes = [sessionMode(), auditMode(), visitorMode()].concat(
    (window.zxzAssistantModes || []).map(function (make) { return make(kit); }));
  var active = modes[0];
  var state = null;
  var showAll = false;

  var tabs = el("div", { class: "zxz-a-modes", role: "tablist" });
  var status = el("div", { class: "zxz-a-status", role: "status", "aria-live": "polite" });
  var fileLine = el("p", { class: "zxz-a-file" });
  var howto = el("p", { class: "zxz-a-howto" });
  var notesBox = el("ul", { class: "zxz-a-notes" });
  var yamlBox = el("pre", { class: "zxz-a-yaml", id: "zxz-a-yaml", tabindex: "0" });
  var scratch = el("textarea", { class: "zxz-a-scratch", hidden: true, "aria-hidden": "true", tabindex: "-1" });
  var generateButton = el("button", { type: "button", class: "md-button md-button--primary zxz-a-generate", text: "生成" });
  var copyButton = el("button", { type: "button", class: "md-button zxz-a-copy", text: "复制 YAML" });
  var downloadButton = el("button", { type: "button", class: "md-button zxz-a-download", text: "下载" });
  var hostLink = el("a", { class: "md-button zxz-a-host", target: "_blank", rel: "noopener noreferrer", hidden: true });
  var feedback = el("span", { class: "zxz-a-feedback", role: "status" });
  var noHost = el("p", { class: "zxz-a-nohost" });

  modes.forEach(function (mode) {
    mode.tab = el("button", { type: "button", role: "tab", class: "zxz-a-mode", text: mode.name });
    mode.tab.addEventListener("click", function () { activate(mode); });
    tabs.appendChild(mode.tab);
    mode.panel.dataset.mode = mode.key;
  });

  var form = el("form", { class: "zxz-a-form", novalidate: true, autocomplete: "off" },
    modes.map(function (m) { return m.panel; }));
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  var out = el("aside", { class: "zxz-a-out" }, [
    el("div", { class: "zxz-a-out-head", text: "生成的 YAML" }),
    status, notesBox, fileLine,
    el("div", { class: "zxz-a-buttons" }, [generateButton, copyButton, downloadButton, hostLink, feedback]),
    howto, noHost, yamlBox, scratch
  ]);
  while (root.firstChild) root.removeChild(root.firstChild);
  root.appendChild(tabs);
  root.appendChild(el("div", { class: "zxz-a-body" }, [form, out]));

  form.addEventListener("input", touch);
  form.addEventListener("change", touch);

  function touch(event) {
    var target = event.target;
    if (target && target.zxzWrap) target.zxzWrap.dataset.touched = "1";
    update();
  }

  function activate(mode) {
    active = mode;
    modes.forEach(function (m) {
      m.panel.hidden = m !== mode;
      m.tab.setAttribute("aria-selected", m === mode ? "true" : "false");
      m.tab.classList.toggle("zxz-a-mode-active", m === mode);
    });
    showAll = false;
    feedback.textContent = "";
    update();
  }

  function elementFor(problem) {
    if (problem.el) return problem.el;
    var path = problem.path.slice();
    while (path.length) {
      var node = active.panel.querySelector('[data-ptr="' + pointerOf(path).replace(/["\\]/g, "\\$&") + '"]');
      if (node) return node;
      path.pop();
    }
    return null;
  }

  function update() {
    state = active.compute();
    var problems = state.problems;
    // problems next to their fields (only once the field was touched, or after 检查全部)
    Array.prototype.forEach.call(active.panel.querySelectorAll(".zxz-a-error"), function (e) { e.textContent = ""; });
    Array.prototype.forEach.call(active.panel.querySelectorAll(".zxz-a-invalid"), function (e) { e.classList.remove("zxz-a-invalid"); });
    // a problem is shown (in red, beside its field and in the list) once its field was
    // touched or 生成 was pressed: an empty form is a form to fill, not a list of errors
    var summary = [];
    var waiting = 0;
    problems.forEach(function (problem) {
      var node = elementFor(problem);
      var wrap = node && (node.zxzWrap || node);
      var box = node && node.zxzError;
      if (!(showAll || (wrap && wrap.dataset && wrap.dataset.touched))) {
        waiting++;
        return;
      }
      if (box) {
        box.textContent = box.textContent ? box.textContent + " " + problem.message : problem.message;
        node.classList.add("zxz-a-invalid");
      }
      summary.push({ message: problem.message, node: node });
    });
    while (status.firstChild) status.removeChild(status.firstChild);
    var ok = problems.length === 0;
    status.className = "zxz-a-status " + (ok ? "zxz-a-ok" : summary.length ? "zxz-a-bad" : "zxz-a-todo");
    if (ok) {
      status.appendChild(el("strong", { text: "✓ 已通过格式检查，可以复制或下载。" }));
    } else if (!summary.length) {
      status.appendChild(el("span", { text: "请填写左侧表格（带 * 的为必填项），还有 " + waiting +
        " 项未填写或未完成；填好后点“生成”。" }));
    } else {
      status.appendChild(el("strong", { text: "还有 " + summary.length + " 处需要填写或修改：" }));
      var list = el("ol");
      summary.forEach(function (item, index) {
        // the number is text of its own: a list marker is cut off from "10." on
        var li = el("li", {}, [el("span", { class: "zxz-a-num", text: (index + 1) + "." }),
          el("span", { text: item.message })]);
        if (item.node) {
          li.classList.add("zxz-a-jump");
          li.tabIndex = 0;
          li.addEventListener("click", function () { showAll = true; update(); item.node.focus(); });
        }
        list.appendChild(li);
      });
      status.appendChild(list);
      if (waiting) status.appendChild(el("p", { class: "zxz-a-waiting", text: "另有 " + waiting + " 项尚未填写。" }));
    }
    while (notesBox.firstChild) notesBox.removeChild(notesBox.firstChild);
    state.notes.forEach(function (n) { notesBox.appendChild(el("li", { text: n })); });
    var yaml = state.yaml(true);
    yamlBox.textContent = yaml;
    yamlBox.classList.toggle("zxz-a-yaml-invalid", !ok);
    scratch.value = yaml;
    fileLine.textContent = state.path ? "文件：" + state.path : "";
    howto.textContent = ok ? state.howto : "";
    copyButton.disabled = !ok;
    downloadButton.disabled = !ok;
    var template = state.action === "new" ? DATA.repo_new_file_url : DATA.repo_edit_file_url;
    hostLink.hidden = !template;
    noHost.textContent = template ? "" :
      "本站没有配置代码托管平台的地址：请下载或复制后，按本页下方和“填报指南”的步骤提交合并请求。";
    if (template) {
      hostLink.textContent = state.action === "new" ? "在代码托管平台上新建文件" : "在代码托管平台上编辑该文件";
      var usable = ok && state.path;
      hostLink.classList.toggle("zxz-a-disabled", !usable);
      hostLink.setAttribute("aria-disabled", usable ? "false" : "true");
      hostLink.dataset.prefilled = "";
      if (usable) {
        var url = hostUrl(template, state.path, yaml);
        if (url.length > URL_LIMIT) url = hostUrl(template, state.path, state.yaml(false));
        if (url.length > URL_LIMIT) {
          url = hostUrl(template.split("{yaml}").join(""), state.path, "");
        } else if (template.indexOf("{yaml}") >= 0) {
          hostLink.dataset.prefilled = "1";
        }
        hostLink.href = url;
      } else {
        hostLink.removeAttribute("href");
      }
    }
  }

  generateButton.addEventListener("click", function () {
    showAll = true;
    update();
    if (state.problems.length === 0) {
      feedback.textContent = "已生成，可以复制或下载";
      return;
    }
    feedback.textContent = "";
    var first = elementFor(state.problems[0]);
    if (first && first.focus) first.focus();
  });

  copyButton.addEventListener("click", function () {
    if (copyButton.disabled) return;
    copyText(state.yaml(true), scratch).then(function () {
      feedback.textContent = "已复制";
    }, function () {
      feedback.textContent = "浏览器不允许自动复制：请在下面选中全部文字后按 Ctrl+C";
    });
  });

  downloadButton.addEventListener("click", function () {
    if (downloadButton.disabled) return;
    var blob = new Blob([state.yaml(true)], { type: "text/yaml;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var a = el("a", { href: url, download: state.download, hidden: true });
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    feedback.textContent = "已下载 " + state.download;
  });

  hostLink.addEventListener("click", function (event) {
    if (hostLink.getAttribute("aria-disabled") === "true") {
      event.preventDefault();
      showAll = true;
      update();
      return;
    }
    // Where the code host takes no content in the address (Gitea), the liaison pastes it.
    if (!hostLink.dataset.prefilled) {
      copyText(state.yaml(true), scratch).then(function () {
        feedback.textContent = "已复制，请在打开的页面中粘贴";
      }, function () {});
    }
  });

  modes.forEach(function (m) { m.init(); });
  activate(modes[0]);

  // for tests and the curious: the pieces that are not the DOM
  window.zxzAssistantApi = { isRealDate: isRealDate, quote: quote, label: label, today: TODAY };
})();
