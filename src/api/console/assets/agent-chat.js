// Chat playground: sends what the operator types, streams the agent's reply (SSE over fetch) into the log:
// sentences, tool calls with arguments and results, and what phone-line tools would do. Reset forgets the session.
(function () {
  "use strict";
  var form = document.getElementById("chat-form");
  if (!form) return;
  var agent = form.getAttribute("data-agent");
  var base = "/console/agents/" + encodeURIComponent(agent) + "/chat";
  var log = document.getElementById("chat-log");
  var input = document.getElementById("chat-input");
  var send = document.getElementById("chat-send");
  var reset = document.getElementById("chat-reset");
  var status = document.getElementById("chat-status");
  var sessionId = null;

  function item(kind, who, text) {
    var li = document.createElement("li");
    li.className = "msg " + kind;
    var w = document.createElement("span");
    w.className = "who";
    w.textContent = who;
    var t = document.createElement("span");
    t.className = "text";
    t.textContent = text || "";
    li.appendChild(w);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(t);
    log.appendChild(li);
    li.scrollIntoView({ block: "nearest" });
    return li;
  }

  function pre(text) {
    var p = document.createElement("pre");
    p.textContent = text;
    return p;
  }

  function toolItem(e) {
    var li = item("tool", "Tool call", e.name);
    li.setAttribute("data-tool", e.name);
    var args = document.createElement("div");
    args.className = "tool-args";
    args.appendChild(document.createTextNode("Arguments"));
    args.appendChild(pre(JSON.stringify(e.arguments, null, 2)));
    li.appendChild(args);
    return li;
  }

  function setBusy(busy, text) {
    send.disabled = busy;
    input.disabled = busy;
    status.textContent = text || "";
  }

  // One SSE frame: "event: x\ndata: {...}" (data may span several lines).
  function parseFrame(frame) {
    var ev = "message";
    var data = [];
    frame.split("\n").forEach(function (line) {
      if (line.indexOf("event:") === 0) ev = line.slice(6).trim();
      else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
    });
    return { event: ev, data: data.length ? JSON.parse(data.join("\n")) : null };
  }

  function handle(ev, state) {
    var d = ev.data;
    if (ev.event === "session") {
      sessionId = d.sessionId;
    } else if (ev.event === "text") {
      if (!state.agent) state.agent = item("agent", "Agent", "");
      var t = state.agent.querySelector(".text");
      t.textContent = t.textContent ? t.textContent + " " + d.text : d.text;
    } else if (ev.event === "tool_call") {
      state.agent = null; // words after a tool call start a new line, as the reply continues from the result
      state.tools.push(toolItem(d));
    } else if (ev.event === "tool_result") {
      var li = state.tools.filter(function (x) {
        return x.getAttribute("data-tool") === d.name && !x.querySelector(".tool-result");
      })[0];
      if (!li) li = toolItem({ name: d.name, arguments: {} });
      var res = document.createElement("div");
      res.className = "tool-result";
      res.appendChild(document.createTextNode("Result"));
      res.appendChild(pre(JSON.stringify(d.result, null, 2)));
      li.appendChild(res);
    } else if (ev.event === "action") {
      item("action", "Would do", d.action.description);
      state.agent = null;
    } else if (ev.event === "done") {
      if (d.failure) item("error", "Turn failed", d.failure.stage + ": " + d.failure.message);
      state.done = true;
    } else if (ev.event === "error") {
      item("error", "Error", d.message);
      state.done = true;
    }
  }

  async function errorText(res) {
    try {
      var body = await res.json();
      return (body.error && body.error.message) || res.statusText;
    } catch (e) {
      return res.status + " " + res.statusText;
    }
  }

  form.addEventListener("submit", async function (e) {
    e.preventDefault();
    var message = input.value.trim();
    if (!message) return;
    item("user", "You", message);
    input.value = "";
    setBusy(true, "The agent is answering…");
    var state = { agent: null, tools: [], done: false };
    try {
      var res = await fetch(base, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream, application/json",
          "x-csrf-token": window.parley.csrf,
        },
        body: JSON.stringify({ message: message, sessionId: sessionId }),
      });
      if (!res.ok) {
        var why = await errorText(res);
        if (res.status === 404 && sessionId) {
          sessionId = null; // the session is gone (expired, reset elsewhere, restart): the next message starts one
          why += " Send again to start a new session.";
        }
        item("error", "Error", why);
        return;
      }
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, "\n");
        var cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          var frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (frame.trim()) handle(parseFrame(frame), state);
        }
      }
      if (!state.done) item("error", "Error", "The reply was cut off.");
    } catch (err) {
      item("error", "Error", "The request failed: " + err.message);
    } finally {
      setBusy(false, "");
      window.parley.announce("The agent answered.");
      input.focus();
    }
  });

  reset.addEventListener("click", async function () {
    var old = sessionId;
    sessionId = null;
    Array.prototype.slice.call(log.querySelectorAll("li:not([data-greeting])")).forEach(function (li) {
      li.remove();
    });
    if (old) {
      await fetch(base + "/" + encodeURIComponent(old), {
        method: "DELETE",
        headers: { accept: "application/json", "x-csrf-token": window.parley.csrf },
      });
    }
    status.textContent = "New conversation: the agent has forgotten what was said.";
    input.focus();
  });
})();
