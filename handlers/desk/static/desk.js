// 易联客服台: small progressive enhancements. Every page works without this script; the
// Content-Security-Policy allows no inline script, so all behaviour lives here.
(function () {
  "use strict";

  function csrfOf(form) {
    var input = form.querySelector('input[name="csrf"]');
    return input ? input.value : "";
  }

  // Canned replies: picking one fills the reply box (appended when the agent already wrote).
  document.querySelectorAll("select.js-canned").forEach(function (sel) {
    sel.addEventListener("change", function () {
      var opt = sel.options[sel.selectedIndex];
      var box = document.getElementById(sel.dataset.target);
      if (!opt || !opt.dataset.text || !box) return;
      box.value = box.value.trim() ? box.value.replace(/\s+$/, "") + "\n" + opt.dataset.text : opt.dataset.text;
      sel.selectedIndex = 0;
      box.focus();
    });
  });

  // Reveal the full contact number in place (the server audits each reveal).
  document.querySelectorAll("form.js-reveal").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      fetch(form.action, { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrfOf(form), "Accept": "application/json" } })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          var target = document.getElementById(form.dataset.target);
          if (res.ok && target) {
            target.textContent = res.body.contact;
            form.remove();
          } else if (target) {
            target.textContent += "（" + ((res.body.error && res.body.error.message) || "无法显示") + "）";
          }
        })
        .catch(function () { form.submit(); });
    });
  });

  // SLA countdowns keep counting while the page is open.
  function fmt(mins) {
    if (mins < 1) return "不到1分钟";
    if (mins < 60) return mins + "分钟";
    if (mins < 48 * 60) return Math.floor(mins / 60) + "小时" + (mins % 60 ? (mins % 60) + "分" : "");
    return Math.floor(mins / 1440) + "天" + Math.floor((mins % 1440) / 60) + "小时";
  }
  function tickSLA() {
    var now = Date.now();
    document.querySelectorAll(".sla[data-due]").forEach(function (el) {
      var left = Date.parse(el.dataset.due) - now;
      var mins = Math.floor(Math.abs(left) / 60000);
      el.classList.remove("sla-ok", "sla-soon", "sla-overdue");
      if (left < 0) { el.textContent = "已超时 " + fmt(mins); el.classList.add("sla-overdue"); }
      else { el.textContent = "剩余 " + fmt(mins); el.classList.add(left < 30 * 60000 ? "sla-soon" : "sla-ok"); }
    });
  }
  setInterval(tickSLA, 30000);

  // The queue polls for new tickets every 10 s and offers to show them.
  var queue = document.getElementById("queue");
  var notice = document.getElementById("new-tickets");
  if (queue && notice && queue.dataset.poll) {
    var shown = {};
    queue.querySelectorAll("tr[data-no]").forEach(function (tr) { shown[tr.dataset.no] = true; });
    var link = notice.querySelector("a");
    link.href = window.location.pathname + window.location.search;
    // The count also goes into the tab's title, so an agent working in another tab sees it.
    var title = document.title;
    var poll = function () {
      fetch(queue.dataset.poll, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) {
          if (r.status === 401) { link.textContent = "登录已过期，点击重新登录"; link.href = "/desk/login"; notice.hidden = false; throw new Error("no session"); }
          return r.json();
        })
        .then(function (body) {
          var fresh = (body.tickets || []).filter(function (t) { return !shown[t.no]; }).length;
          if (fresh > 0) {
            link.textContent = fresh + " 个新工单，点击刷新";
            notice.hidden = false;
            document.title = "(" + fresh + ") " + title;
          }
          setTimeout(poll, 10000);
        })
        .catch(function (e) { if (String(e.message) !== "no session") setTimeout(poll, 30000); });
    };
    setTimeout(poll, 10000);
  }
})();
