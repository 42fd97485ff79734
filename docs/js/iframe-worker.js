/* A Worker for the docs opened from disk (file://), where browsers refuse real workers: the
   worker's script runs in a hidden iframe of the page's own origin, and messages pass between
   the two as events. Material's offline plugin needs such a shim for its search; listed in
   mkdocs.yml's extra.polyfills under a name holding "iframe-worker", it stands in for the one
   the plugin would otherwise load from the network. Served over HTTP, real workers are used. */
(function () {
  "use strict";
  if (location.protocol !== "file:") return;

  class IframeWorker extends EventTarget {
    constructor(url) {
      super();
      this.onmessage = null;
      this.onerror = null;
      this.pending = [];
      this.ready = false;
      const frame = document.createElement("iframe");
      frame.hidden = true;
      frame.tabIndex = -1;
      frame.title = "search worker";
      frame.setAttribute("aria-hidden", "true");
      (document.body || document.documentElement).appendChild(frame);
      this.frame = frame;
      const inner = frame.contentWindow;
      inner.postMessage = (data) => this.deliver(data);
      inner.importScripts = () => {
        throw new Error("importScripts is not available to a worker opened from disk");
      };
      const script = inner.document.createElement("script");
      script.src = new URL(url, location.href).href;
      script.onload = () => {
        this.ready = true;
        for (const data of this.pending.splice(0)) this.postMessage(data);
      };
      script.onerror = () => {
        const event = new Event("error");
        this.dispatchEvent(event);
        if (typeof this.onerror === "function") this.onerror(event);
      };
      inner.document.head.appendChild(script);
    }

    deliver(data) {
      const event = new MessageEvent("message", { data: data });
      this.dispatchEvent(event);
      if (typeof this.onmessage === "function") this.onmessage(event);
    }

    postMessage(data) {
      if (!this.ready) {
        this.pending.push(data);
        return;
      }
      const inner = this.frame.contentWindow;
      setTimeout(() => inner.dispatchEvent(new inner.MessageEvent("message", { data: data })), 0);
    }

    terminate() {
      this.frame.remove();
    }
  }

  window.Worker = IframeWorker;
})();
