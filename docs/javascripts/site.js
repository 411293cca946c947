/* What the theme does not do for this site, no dependencies:
 * - a wide table or map that scrolls sideways (a phone) says so above it, and shows a
 *   shadow at its edge, so nothing is cut off unseen;
 * - search results show their text without the zero-width spaces that jieba's word
 *   boundaries leave in the index (they would be copied along with the text). */
(function () {
  "use strict";

  var SCROLLERS = ".md-typeset__scrollwrap, .zxz-heat-wrap, .zxz-chart-scroll";

  function hintFor(box) {
    var hint = box.previousElementSibling;
    if (hint && hint.classList.contains("zxz-scroll-hint")) return hint;
    hint = document.createElement("div");
    hint.className = "zxz-scroll-hint";
    hint.textContent = box.getAttribute("data-hint") || "表格较宽，左右滑动查看全部 →";
    box.parentNode.insertBefore(hint, box);
    return hint;
  }

  function markScrollers() {
    Array.prototype.forEach.call(document.querySelectorAll(SCROLLERS), function (box) {
      var wide = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("zxz-scrollable", wide);
      if (wide || box.previousElementSibling && box.previousElementSibling.classList.contains("zxz-scroll-hint")) {
        hintFor(box).hidden = !wide;
      }
    });
  }

  function withoutZeroWidth(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeValue.indexOf("\u200b") >= 0) node.nodeValue = node.nodeValue.replace(/\u200b/g, "");
    }
  }

  function watchSearch() {
    var results = document.querySelector(".md-search-result");
    if (!results || !window.MutationObserver) return;
    new MutationObserver(function () { withoutZeroWidth(results); })
      .observe(results, { childList: true, subtree: true });
  }

  function setup() {
    markScrollers();
    watchSearch();
    window.addEventListener("resize", markScrollers);
    // the theme wraps tables once its own script has run
    window.addEventListener("load", markScrollers);
    setTimeout(markScrollers, 300);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
