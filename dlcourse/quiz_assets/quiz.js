/* The concept quiz under a chapter: multiple choice (each option explains itself when chosen) and numbers
   (accepts equivalent forms: 0.5, 1/2, 50 %). Works without a kernel; without JavaScript the options still
   open to show their explanation. Answers are remembered in this browser (see progress.js). */
(function () {
  var root = document.getElementById("%(root_id)s");
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "1");
  var chapter = root.getAttribute("data-chapter");
  var questions = root.querySelectorAll(".dlcourse-quiz-question");
  var score = root.querySelector(".dlcourse-quiz-score");

  function parseNumber(text) {
    var s = String(text).trim().replace(/\u2212/g, "-").replace(/\s+/g, "");
    if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, "");  // 1,000,000
    else if (/^-?\d+,\d+$/.test(s)) s = s.replace(",", ".");             // 0,5
    var num = "(-?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?)";
    var m = s.match(new RegExp("^" + num + "/" + num + "$", "i"));
    if (m) return [parseFloat(m[1]) / parseFloat(m[2])];
    m = s.match(new RegExp("^" + num + "%$", "i"));
    if (m) return [parseFloat(m[1]) / 100, parseFloat(m[1])];
    m = s.match(new RegExp("^" + num + "$", "i"));
    if (m) return [parseFloat(m[1])];
    return [];
  }
  function near(x, target, tol) { return isFinite(x) && Math.abs(x - target) <= tol; }

  function record(qid, answer, correct) {
    var p = dlcourseLoadProgress();
    var c = p.chapters[chapter] = p.chapters[chapter] || {answers: {}, correct: {}};
    c.answers = c.answers || {};
    c.correct = c.correct || {};
    c.total = questions.length;
    c.answers[qid] = answer;
    if (correct) c.correct[qid] = true;
    c.updated = Date.now();
    dlcourseSaveProgress(p);
    showScore();
  }
  function showScore() {
    var st = dlcourseChapterState(dlcourseLoadProgress(), chapter);
    if (!score) return;
    score.textContent = st.total ? (st.correct + " of " + st.total + " answered correctly" +
      (st.state === "done" ? " \u2014 chapter complete \u2713" : "")) : "";
  }
  function mark(q, correct, message) {
    q.classList.remove("dlcourse-right", "dlcourse-wrong");
    q.classList.add(correct ? "dlcourse-right" : "dlcourse-wrong");
    var fb = q.querySelector(".dlcourse-quiz-feedback");
    if (fb) fb.textContent = message;
  }

  function setupChoice(q, saved) {
    var qid = q.getAttribute("data-qid");
    var opts = q.querySelectorAll("details.dlcourse-quiz-choice");
    function choose(d, remember) {
      for (var i = 0; i < opts.length; i++) {
        if (opts[i] !== d) opts[i].open = false;
        opts[i].classList.remove("dlcourse-chosen");
      }
      d.classList.add("dlcourse-chosen");
      var ok = d.getAttribute("data-correct") === "1";
      mark(q, ok, ok ? "Correct." : "Not quite: read why, then try another option.");
      if (remember) record(qid, d.getAttribute("data-key"), ok);
    }
    for (var i = 0; i < opts.length; i++) {
      (function (d) {
        d.addEventListener("toggle", function () { if (d.open && !d.classList.contains("dlcourse-chosen")) choose(d, true); });
        if (saved !== undefined && d.getAttribute("data-key") === saved) { d.open = true; choose(d, false); }
      })(opts[i]);
    }
  }

  function setupNumber(q, saved) {
    var qid = q.getAttribute("data-qid");
    var form = q.querySelector("form");
    var input = q.querySelector("input");
    var answer = parseFloat(q.getAttribute("data-answer"));
    var tol = parseFloat(q.getAttribute("data-tol"));
    var right = q.querySelector(".dlcourse-quiz-why-right");
    var hints = q.querySelectorAll(".dlcourse-quiz-why-wrong");
    function check(text, remember) {
      var values = parseNumber(text);
      for (var h = 0; h < hints.length; h++) hints[h].hidden = true;
      if (right) right.hidden = true;
      if (!values.length) {
        mark(q, false, "That is not a number I can read: try a form like 0.5, 1/2 or 50%.");
        return;
      }
      var ok = values.some(function (v) { return near(v, answer, tol); });
      if (ok) {
        mark(q, true, "Correct.");
        if (right) right.hidden = false;
      } else {
        var hinted = false;
        for (var j = 0; j < hints.length; j++) {
          var hv = parseFloat(hints[j].getAttribute("data-value"));
          var ht = parseFloat(hints[j].getAttribute("data-tol"));
          if (values.some(function (v) { return near(v, hv, ht); })) { hints[j].hidden = false; hinted = true; }
        }
        mark(q, false, hinted ? "Not quite: see why below." : "Not quite: check your working and try again.");
      }
      if (remember) record(qid, text, ok);
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); check(input.value, true); });
    if (saved !== undefined) { input.value = saved; check(saved, false); }
  }

  var answers = (dlcourseLoadProgress().chapters[chapter] || {}).answers || {};
  for (var k = 0; k < questions.length; k++) {
    var q = questions[k];
    var saved = answers[q.getAttribute("data-qid")];
    if (q.getAttribute("data-kind") === "number") setupNumber(q, saved); else setupChoice(q, saved);
  }
  root.classList.add("dlcourse-quiz-live");
  showScore();
})();
