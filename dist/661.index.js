export const id = 661;
export const ids = [661];
export const modules = {

/***/ 6661:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   cleanup: () => (/* binding */ cleanup)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _step_constants_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9171);
/* harmony import */ var _step_step_state_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6618);
/* harmony import */ var _step_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2687);
// The post step: removes whatever the main step saved in its state and did not remove itself
// (it may have been killed). Idempotent, and it only ever warns.
// After a main step that ended normally only the work directory is left: then neither docker
// nor the toolkit is loaded, so the step costs little more than starting node.




async function cleanup(docker) {
    try {
        const containers = (0,_step_step_state_js__WEBPACK_IMPORTED_MODULE_2__/* .readStateList */ .i)(_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .State */ .Uw.Containers);
        const pendingTags = (0,_step_step_state_js__WEBPACK_IMPORTED_MODULE_2__/* .readStateList */ .i)(_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .State */ .Uw.PendingTags);
        if (containers.length > 0 || pendingTags.length > 0) {
            await removeFromDocker(docker ?? new (await Promise.all(/* import() */[__webpack_require__.e(838), __webpack_require__.e(216)]).then(__webpack_require__.bind(__webpack_require__, 216))).DockerCli(), {
                containers,
                pendingTags,
            });
        }
        for (const dir of (0,_step_step_state_js__WEBPACK_IMPORTED_MODULE_2__/* .readStateList */ .i)(_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .State */ .Uw.WorkDirs)) {
            node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync(dir, { recursive: true, force: true });
        }
    }
    catch (error) {
        await warn(`Cleanup: ${(0,_step_text_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(error)}`);
    }
}
async function removeFromDocker(docker, left) {
    for (const container of left.containers) {
        await docker.remove(container).catch((error) => warn(error.message));
    }
    if (left.pendingTags.length > 0) {
        await docker.untag(left.pendingTags).catch((error) => warn(error.message));
    }
}
async function warn(message) {
    const core = await __webpack_require__.e(/* import() */ 838).then(__webpack_require__.bind(__webpack_require__, 3838));
    core.warning(message);
}


/***/ }),

/***/ 2687:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   gJ: () => (/* binding */ errorMessage),
/* harmony export */   w$: () => (/* binding */ lastLines),
/* harmony export */   xv: () => (/* binding */ truncate)
/* harmony export */ });
// Text helpers every stage uses for messages: the end of a log, a cut value, an error's message.
// One home each, so a message is cut and worded the same way wherever it comes from.
/** The last `count` lines of `text` (LF or CRLF), trailing blank space dropped. */
function lastLines(text, count) {
    return text.trimEnd().split(/\r?\n/).slice(-count).join('\n');
}
/** `text` cut to `limit` characters, saying how much was left out. */
function truncate(text, limit) {
    return text.length <= limit
        ? text
        : `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
}
/** What was thrown, as a message; non-Error throws are not lost. */
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}


/***/ })

};
