/* narrascope web app: draws the charts and drives the "add articles" form.
 * Served as a file so the Content-Security-Policy can forbid inline script. */
"use strict";

function drawCharts() {
  if (typeof Plotly === "undefined") return;
  document.querySelectorAll(".chart[data-figure]").forEach(function (el) {
    var fig;
    try { fig = JSON.parse(el.dataset.figure); } catch (e) { return; }
    Plotly.newPlot(el, fig.data, fig.layout, {displaylogo: false, responsive: true});
    el.dataset.drawn = "1";
  });
}

function text(tag, value, cls) {
  var el = document.createElement(tag);
  el.textContent = value;  /* never innerHTML: titles and errors come from article data */
  if (cls) el.className = cls;
  return el;
}

function showJob(job) {
  var bar = document.getElementById("progress-bar");
  bar.value = job.progress;
  document.getElementById("progress-stage").textContent =
    job.state + (job.stage && job.stage !== job.state ? " · " + job.stage : "") +
    " · " + Math.round(job.progress * 100) + "%";
  var list = document.getElementById("progress-articles");
  list.replaceChildren();
  job.articles.forEach(function (a) {
    var li = document.createElement("li");
    var link = text("a", a.title || a.id);
    link.href = "/articles/" + encodeURIComponent(a.id);
    li.appendChild(link);
    li.appendChild(text("span", a.new ? " new" : " already stored", "detail"));
    list.appendChild(li);
  });
  var errs = document.getElementById("progress-errors");
  errs.replaceChildren();
  job.errors.forEach(function (e) { errs.appendChild(text("li", e)); });
}

function poll(id, token) {
  fetch("/api/jobs/" + encodeURIComponent(id), {headers: {"Authorization": "Bearer " + token}})
    .then(function (r) { return r.json(); })
    .then(function (job) {
      if (job.error) { showError(job.error); return; }
      showJob(job);
      if (job.state === "done" || job.state === "failed") {
        document.getElementById("add-submit").disabled = false;
        document.getElementById("progress").dataset.state = job.state;
      } else {
        setTimeout(function () { poll(id, token); }, 400);
      }
    })
    .catch(function (e) { showError(String(e)); });
}

function showError(message) {
  var errs = document.getElementById("progress-errors");
  errs.appendChild(text("li", message));
  document.getElementById("add-submit").disabled = false;
  document.getElementById("progress").dataset.state = "failed";
}

function setupAddForm() {
  var form = document.getElementById("add-form");
  if (!form) return;
  var tokenField = document.getElementById("token");
  var saved = sessionStorage.getItem("narrascope-token");
  if (saved) tokenField.value = saved;
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var token = tokenField.value;
    sessionStorage.setItem("narrascope-token", token);
    var data = new FormData(form);
    data.delete("token");
    var box = document.getElementById("progress");
    box.hidden = false;
    delete box.dataset.state;
    document.getElementById("progress-articles").replaceChildren();
    document.getElementById("progress-errors").replaceChildren();
    document.getElementById("add-submit").disabled = true;
    var bar = document.getElementById("progress-bar");
    bar.value = 0;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/articles?wait=false");
    xhr.setRequestHeader("Authorization", "Bearer " + token);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        document.getElementById("progress-stage").textContent =
          "uploading · " + Math.round(100 * e.loaded / e.total) + "%";
      }
    });
    xhr.addEventListener("load", function () {
      var body;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {error: xhr.statusText}; }
      if (xhr.status !== 202) { showError(body.error || ("HTTP " + xhr.status)); return; }
      showJob(body);
      poll(body.id, token);
    });
    xhr.addEventListener("error", function () { showError("the upload failed (network error)"); });
    xhr.send(data);
  });
}

document.addEventListener("DOMContentLoaded", function () {
  drawCharts();
  setupAddForm();
});
