/* A reader's progress, kept in this browser only (localStorage; nothing leaves the page).
   Shape: {"version": 1, "chapters": {"17": {"total": 5, "answers": {"17.1": "b", ...},
                                             "correct": {"17.1": true, ...}, "updated": 1733}}} */
var DLCOURSE_PROGRESS_KEY = "dlcourse-progress";
function dlcourseLoadProgress() {
  try {
    var p = JSON.parse(window.localStorage.getItem(DLCOURSE_PROGRESS_KEY) || "{}");
    if (!p || typeof p !== "object" || p.version !== 1 || typeof p.chapters !== "object") {
      return {version: 1, chapters: {}};
    }
    return p;
  } catch (e) {
    return {version: 1, chapters: {}};
  }
}
function dlcourseSaveProgress(p) {
  try { window.localStorage.setItem(DLCOURSE_PROGRESS_KEY, JSON.stringify(p)); } catch (e) { /* private mode */ }
}
function dlcourseChapterState(p, chapter) {
  var c = p.chapters[chapter];
  if (!c || !c.total) return {state: "todo", correct: 0, total: 0};
  var n = Object.keys(c.correct || {}).length;
  return {state: n >= c.total ? "done" : (Object.keys(c.answers || {}).length ? "started" : "todo"),
          correct: n, total: c.total};
}
