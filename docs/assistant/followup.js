/* 填报助手 — the follow-up forms of record format v2: 整改情况 (the rectification an
 * audit asked for) and 年度学习计划 (a unit's annual study plan).
 *
 * Loaded before assistant.js, which calls each function in window.zxzAssistantModes
 * with its shared helpers (`k`: the schema's labels, Ajv validation, YAML writing,
 * the DOM helpers) and shows the form it returns as one more tab. Labels and hints
 * come from the schemas (session.schema.json's audits › rectification, and
 * plan.schema.json, named by the path step "@plan"); what the liaison types only
 * reaches the page through textContent and value.
 */
(function () {
  "use strict";

  var modes = window.zxzAssistantModes = window.zxzAssistantModes || [];

  function cnMonth(month) { return +month.slice(0, 4) + "年" + +month.slice(5, 7) + "月"; }

  function planDue(k, year) { return year + "-" + (k.DATA.plan_due || "03-31"); }

  // ------------------------------------------------------------ 整改情况 (rectification)

  modes.push(function rectificationMode(k) {
    var R = ["audits", 0, "rectification"];
    var unit = k.select(k.unitOptions(), "请选择本单位");
    var which = k.select([], "请先选择单位");
    var f = { measures: k.textArea(4), filed: k.dateInput() };
    f.filed.value = k.TODAY;
    var problemsBox = k.el("p", { class: "zxz-a-section-hint zxz-a-problems" });
    var measuresField = k.field(R.concat("measures"), f.measures, { rel: ["measures"], wide: true, required: true });

    function asked(unitId) {
      var out = [];
      k.recentSessions(unitId).forEach(function (s) {
        s.audits.forEach(function (a) { if (a.rectify_by) out.push({ session: s, audit: a }); });
      });
      return out;
    }

    function current() {
      var parts = which.value.split("|");
      return asked(unit.value).filter(function (x) {
        return x.session.slug === parts[0] && x.audit.group === parts[1];
      })[0] || null;
    }

    function refresh() {
      var list = asked(unit.value);
      k.setOptions(which, list.map(function (x) {
        var r = x.audit.rectification;
        var state = r && r.filed ? "，已报送" : x.audit.rectify_by < k.TODAY ? "，已过期限" : "";
        return [x.session.slug + "|" + x.audit.group, x.session.date + " " + x.audit.group +
          " 列席旁听（整改期限 " + x.audit.rectify_by + state + "）"];
      }), !unit.value ? "请先选择单位" : list.length ? "请选择哪一次列席旁听" : "（本单位没有要求整改的列席旁听记录）");
      if (list.length === 1) which.value = list[0].session.slug + "|" + list[0].audit.group;
      shown();
    }

    function shown() {
      var x = current();
      problemsBox.textContent = x ? "列席旁听组指出的问题和建议：" + (x.audit.problems || "—") +
        "（整改期限 " + x.audit.rectify_by + "）" : "";
      var have = x && x.audit.rectification && x.audit.rectification.measures;
      measuresField.style.display = have ? "none" : "";
    }

    unit.addEventListener("change", refresh);
    which.addEventListener("change", shown);

    var panel = k.el("div", { class: "zxz-a-panel" }, [
      k.section(k.title(R), k.hint(R), [
        k.field(["unit"], unit, { label: k.title(["unit"]), hint: "被列席旁听、要求整改的单位", ptr: false, required: true }),
        k.field(["audits"], which, { label: "哪一次列席旁听", hint: "写明了整改期限（rectify_by）的列席旁听记录", ptr: false, required: true }),
        problemsBox,
        measuresField,
        k.field(R.concat("filed"), f.filed, { rel: ["filed"] })
      ])
    ]);

    return {
      key: "rectification",
      name: "整改情况",
      panel: panel,
      init: refresh,
      compute: function () {
        var x = current();
        var have = x && x.audit.rectification;
        var item = {};
        k.put(item, "measures", have && have.measures ? undefined : k.text(f.measures));
        k.put(item, "filed", k.text(f.filed));
        // what the schema judges: the file's measures count when only the date is added
        var judged = have && have.measures ? { measures: "（文件中已有）" } : {};
        Object.keys(item).forEach(function (key) { judged[key] = item[key]; });
        var problems = k.schemaProblems("rectification", judged, R, 2);
        var notes = [];
        if (!unit.value) problems.push({ el: unit, message: "请选择本单位。" });
        else if (!x) problems.push({ el: which, message: "请选择要求整改的那一次列席旁听。" });
        if (have && have.filed) {
          problems.push({ el: which, message: "这次列席旁听要求的整改情况已经报送。需要更正请直接编辑该文件，并在 amendments 里写明更正原因。" });
        }
        if (x && have && have.measures && !item.filed) {
          problems.push({ path: ["filed"], message: "文件中已写有整改措施及成效，这里只补报送日期：请填写" +
            k.fieldName(R.concat("filed"), 2) + "。" });
        }
        var filed = item.filed;
        if (filed && k.isRealDate(filed)) {
          if (filed > k.TODAY) {
            problems.push({ path: ["filed"], message: k.fieldName(R.concat("filed"), 2) + "是 " + filed +
              "，晚于今天（" + k.TODAY + "）：请写实际报送的日期，还没报送就清空。" });
          } else if (x && filed < x.session.date) {
            problems.push({ path: ["filed"], message: k.fieldName(R.concat("filed"), 2) + "是 " + filed +
              "，早于学习日期 " + x.session.date + "。" });
          } else if (x && filed > x.audit.rectify_by) {
            notes.push("整改期限是 " + x.audit.rectify_by + "；" + filed + " 报送会记为迟报。");
          }
        } else if (x && !filed) {
          notes.push("书面报党委宣传部后再填报送日期；整改期限是 " + x.audit.rectify_by + "。");
        }
        var path = x ? k.recordPath(unit.value, x.session.slug) : null;
        var group = x ? x.audit.group : "";
        var howto = !x ? "" : have && have.measures
          ? "打开 " + path + "，在列席旁听组「" + group + "」那一项的 rectification: 下，measures 那一行后面加上这一行（与 measures 对齐）。"
          : "打开 " + path + "，把下面几行加在 audits: 下列席旁听组「" + group + "」那一项的末尾，rectification 与该项的 rectify_by 对齐。";
        return {
          data: item,
          problems: problems,
          notes: notes,
          yaml: function (comments) {
            var lines = new k.Lines();
            var due = x ? "：整改期限 " + x.audit.rectify_by : "";
            var indent = "      ";
            if (!(have && have.measures)) {
              lines.add("    rectification:", k.title(R));
              lines.add("      measures: " + k.scalar(item.measures), k.title(R.concat("measures")));
            }
            if (item.filed) lines.add(indent + "filed: " + k.scalar(item.filed), k.title(R.concat("filed")) + due);
            else lines.add(indent + "# filed:", k.title(R.concat("filed")) + due + "，书面报党委宣传部后填写");
            return lines.render(comments);
          },
          path: path,
          download: (x ? x.session.slug + "-" : "") + "rectification.yaml",
          action: "edit",
          howto: howto
        };
      }
    };
  });

  // ------------------------------------------------------------ 年度学习计划 (annual plan)

  modes.push(function planMode(k) {
    var P = ["@plan"];
    var years = Object.keys(k.DATA.plan_months || {}).filter(function (y) {
      return (k.DATA.plan_months[y] || []).length;
    });
    var unit = k.select(k.unitOptions(), "请选择本单位");
    var year = k.select(years.map(function (y) { return [y, y + "年"]; }), years.length ? null : "（org.yaml 中没有可以计划的学期）");
    var filed = k.dateInput();
    var monthsBox = k.el("div", { class: "zxz-a-grid zxz-a-months" });
    var areas = [];  // [month, textarea]

    function existing(unitId, y) { return ((k.DATA.plans || {})[unitId] || {})[y] || null; }

    function months() {
      areas = [];
      while (monthsBox.firstChild) monthsBox.removeChild(monthsBox.firstChild);
      (k.DATA.plan_months[year.value] || []).forEach(function (month) {
        var area = k.textArea(3);
        area.placeholder = "每行一项，如：学习习近平总书记关于……的重要论述";
        monthsBox.appendChild(k.field(P.concat("items", 0, "topics"), area, {
          label: cnMonth(month) + " · " + k.title(P.concat("items", 0, "topics")),
          hint: "每行写一项；" + k.hint(P.concat("items", 0, "topics")),
          ptr: false, required: false, wide: true
        }));
        areas.push([month, area]);
      });
    }

    function pickYear() {
      // this year's plan, or next year's once this year's is there
      var now = k.TODAY.slice(0, 4);
      var next = String(+now + 1);
      var wanted = unit.value && existing(unit.value, now) && years.indexOf(next) >= 0 ? next : now;
      if (years.indexOf(wanted) >= 0 && year.value !== wanted) {
        year.value = wanted;
        months();
      }
    }

    unit.addEventListener("change", pickYear);
    year.addEventListener("change", months);
    if (years.indexOf(k.TODAY.slice(0, 4)) >= 0) year.value = k.TODAY.slice(0, 4);

    var panel = k.el("div", { class: "zxz-a-panel" }, [
      k.section(k.title(P), k.hint(P), [
        k.field(P.concat("unit"), unit, { rel: ["unit"] }),
        k.field(P.concat("year"), year, { rel: ["year"] }),
        k.field(P.concat("filed"), filed, { rel: ["filed"] })
      ]),
      k.el("fieldset", { class: "zxz-a-section" }, [
        k.el("legend", { text: k.title(P.concat("items")) }),
        k.el("p", { class: "zxz-a-section-hint", text: k.hint(P.concat("items")) +
          " 这里列出该年各学期要学习的月份（寒暑假等免除的月份不列）；还没定的月份可以空着，文件里留作注释，定了再补。" }),
        monthsBox
      ])
    ]);

    function collect() {
      var d = {};
      k.put(d, "unit", unit.value);
      if (year.value) d.year = +year.value;
      k.put(d, "filed", k.text(filed));
      d.items = [];
      areas.forEach(function (pair) {
        var topics = pair[1].value.split(/\r?\n/).map(function (s) { return s.trim(); })
          .filter(function (s) { return s; });
        if (topics.length) {
          pair[1].dataset.ptr = "/items/" + d.items.length + "/topics";
          d.items.push({ month: pair[0], topics: topics });
        } else {
          delete pair[1].dataset.ptr;
        }
      });
      return d;
    }

    function planYaml(d, comments) {
      var u = k.UNITS[d.unit] || { name: d.unit || "" };
      var due = d.year ? planDue(k, d.year) : "";
      var lines = new k.Lines();
      lines.add(k.DATA.plan_schema_line || "# yaml-language-server: $schema=../../../schemas/plan.schema.json");
      lines.add("# " + u.name + " " + (d.year || "") + "年度中心组学习计划（由站点“填报助手”于 " + k.TODAY +
        " 生成；“#”后面是填写说明，不影响内容）");
      lines.add("unit: " + k.scalar(d.unit), k.title(P.concat("unit")) + "：" + u.name + "（编号须与文件夹名一致）");
      lines.add("year: " + k.scalar(d.year), k.title(P.concat("year")) + "（须与文件名一致）");
      if (d.filed) lines.add("filed: " + k.scalar(d.filed), k.title(P.concat("filed")) + "：报党委宣传部备案，最晚 " + due);
      else lines.add("# filed:", k.title(P.concat("filed")) + "：报党委宣传部备案后填写，最晚 " + due);
      lines.add("items:", k.title(P.concat("items")) + "：每月一项，寒暑假等免除学习的月份不列");
      var planned = {};
      d.items.forEach(function (item) { planned[item.month] = item.topics; });
      areas.forEach(function (pair) {
        var topics = planned[pair[0]];
        var prefix = topics ? "  " : "  # ";
        lines.add(prefix + "- month: " + k.scalar(pair[0]), k.title(P.concat("items", 0, "month")) +
          (topics ? "" : "：还没定学习内容，定了以后去掉这几行行首的 # 并填写"));
        lines.add(prefix + "  topics:", k.title(P.concat("items", 0, "topics")) + "：学习时的题目要与这里一字不差");
        (topics || ["学习内容"]).forEach(function (t) {
          lines.add(prefix + "    - " + (topics ? k.scalar(t) : t));
        });
      });
      return lines.render(comments);
    }

    return {
      key: "plan",
      name: "年度学习计划",
      panel: panel,
      init: function () { months(); },
      compute: function () {
        var d = collect();
        var problems = k.schemaProblems("plan", d, P, 1);
        var notes = [];
        var path = d.unit && d.year ? "records/plans/" + d.unit + "/" + d.year + ".yaml" : null;
        if (d.unit && d.year && existing(d.unit, String(d.year))) {
          problems.push({ el: year, message: "本单位 " + d.year + " 年的年度学习计划已经有了（" + path +
            "）。已报送的计划只能追加：请直接编辑该文件，并在 amendments 里写明原因。" });
        }
        if (d.filed && k.isRealDate(d.filed)) {
          if (d.filed > k.TODAY) {
            problems.push({ path: ["filed"], message: k.fieldName(P.concat("filed"), 1) + "是 " + d.filed +
              "，晚于今天（" + k.TODAY + "）：请写实际报送的日期，还没报送就清空。" });
          } else if (d.year && d.filed > planDue(k, d.year)) {
            notes.push("年度学习计划应在 " + planDue(k, d.year) + " 前报党委宣传部备案；" + d.filed + " 报送会记为迟报。");
          }
        }
        var empty = areas.filter(function (pair) { return !pair[1].value.trim(); })
          .map(function (pair) { return cnMonth(pair[0]); });
        if (empty.length && empty.length < areas.length) {
          notes.push("还没写学习内容的月份（文件里留作注释，定了再补）：" + empty.join("、") + "。");
        }
        notes.push("学习时请把学习内容的题目写得与计划一字不差，检查才认得出按计划学习了。");
        return {
          data: d,
          problems: problems,
          notes: notes,
          yaml: function (comments) { return planYaml(d, comments); },
          path: path,
          download: (d.year || "年度学习计划") + ".yaml",
          action: "new",
          howto: path ? "这是一个新文件：保存为 " + path + "，然后提交合并请求。" : ""
        };
      }
    };
  });
})();
