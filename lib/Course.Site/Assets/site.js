// Runs after KaTeX, auto-render and highlight.js (all `defer`, in order). Charts draw themselves: plotly.js is
// loaded synchronously in <head> before their scripts run.
(function () {
  // Markdig keeps math verbatim as \( \) inside span.math and \[ \] inside div.math: render exactly those.
  document.querySelectorAll(".markdown").forEach(function (cell) {
    renderMathInElement(cell, {
      delimiters: [
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false },
      ],
      // A formula KaTeX cannot parse stays raw and is reported with console.error (the browser test fails on both).
      throwOnError: true,
    });
  });
  document.querySelectorAll("pre code").forEach(function (code) {
    hljs.highlightElement(code);
  });
})();
