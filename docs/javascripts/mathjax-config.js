// Equations are written as \( … \) and \[ … \] (pymdownx.arithmatex, generic mode).
// MathJax itself is not bundled: without it the TeX source is shown, which stays readable.
window.MathJax = {
  tex: { inlineMath: [["\\(", "\\)"]], displayMath: [["\\[", "\\]"]], processEscapes: true },
  options: { ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex" },
};
