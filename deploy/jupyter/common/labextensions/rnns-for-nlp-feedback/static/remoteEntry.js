/*
 * RNNs for NLP: "view feedback" opens the feedback page (docs/instructor/hub.md).
 *
 * nbgrader's Assignment List answers a click on "(view feedback)" with the command
 * filebrowser:go-to-path on the submission's feedback folder,
 * <assignment>/feedback/<time of the submission>/, which only shows that folder in the file
 * browser. This JupyterLab plugin watches for that command on such a folder and then opens
 * every HTML page in it (one per notebook: <notebook>.html) in JupyterLab's HTML viewer, as a
 * tab of its own. Nothing of nbgrader is changed.
 *
 * Plain JavaScript, no build step: the file is a prebuilt JupyterLab extension, a module
 * federation container (window._JUPYTERLAB[name] with init() and get()) whose module
 * "./extension" exports the plugin. deploy/jupyter/common/jupyter_server_config.py puts the
 * folder above it on the server's extra_labextensions_path.
 */
var _JUPYTERLAB;
(function () {
  "use strict";

  var NAME = "rnns-for-nlp-feedback";
  // nbgrader's feedback folder of one submission: .../feedback/2024-05-01 12:00:00.000000 UTC
  var FEEDBACK_FOLDER = /(^|\/)feedback\/\d{4}-\d{2}-\d{2}[^/]*\/?$/;

  function openPages(app, folder) {
    return app.serviceManager.contents.get(folder, { content: true }).then(function (model) {
      var pages = (model.content || []).filter(function (item) {
        return item.type === "file" && /\.html$/i.test(item.name);
      });
      return Promise.all(pages.map(function (item) {
        return app.commands.execute("docmanager:open", { path: item.path, factory: "HTML Viewer" });
      }));
    });
  }

  var plugin = {
    id: NAME + ":open-feedback-page",
    description: "Opens the feedback page when nbgrader's Assignment List shows a feedback folder.",
    autoStart: true,
    activate: function (app) {
      app.commands.commandExecuted.connect(function (_, executed) {
        var path = executed.args && executed.args.path;
        if (executed.id !== "filebrowser:go-to-path" || typeof path !== "string" || !FEEDBACK_FOLDER.test(path)) {
          return;
        }
        var folder = path.replace(/\/$/, "");
        Promise.resolve(executed.result)
          .then(function () { return openPages(app, folder); })
          .catch(function (reason) { console.warn(NAME + ": cannot open the feedback page in " + folder, reason); });
      });
    }
  };

  var container = {
    init: function () { return Promise.resolve(); },
    get: function (module) {
      if (module !== "./extension") {
        return Promise.reject(new Error("Module " + module + " does not exist in container " + NAME));
      }
      return Promise.resolve(function () { return { __esModule: true, default: [plugin] }; });
    }
  };

  _JUPYTERLAB = typeof _JUPYTERLAB === "undefined" ? {} : _JUPYTERLAB;
  _JUPYTERLAB[NAME] = container;
})();
