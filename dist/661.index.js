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
        const containers = (0,_step_step_state_js__WEBPACK_IMPORTED_MODULE_2__/* .readStateList */ .iv)(_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .State */ .Uw.Containers);
        const pendingTags = (0,_step_step_state_js__WEBPACK_IMPORTED_MODULE_2__/* .readStateList */ .iv)(_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .State */ .Uw.PendingTags);
        if (containers.length > 0 || pendingTags.length > 0) {
            // The engine the main step used, whatever DOCKER_HOST or the current context say now.
            const engine = (0,_step_step_state_js__WEBPACK_IMPORTED_MODULE_2__/* .readStateEngine */ .qc)();
            docker ??= new (await Promise.all(/* import() */[__webpack_require__.e(838), __webpack_require__.e(360)]).then(__webpack_require__.bind(__webpack_require__, 5360))).DockerCli('docker', engine);
            await removeFromDocker(docker, {
                containers,
                pendingTags,
            });
        }
        await discardRegistryCandidates(readCandidates());
        for (const dir of (0,_step_step_state_js__WEBPACK_IMPORTED_MODULE_2__/* .readStateList */ .iv)(_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .State */ .Uw.WorkDirs)) {
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
function readCandidates() {
    try {
        const value = JSON.parse((0,_step_step_state_js__WEBPACK_IMPORTED_MODULE_2__/* .readState */ .un)(_step_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .State */ .Uw.AcrCandidates) || '[]');
        if (!Array.isArray(value))
            return [];
        return value.filter((item) => typeof item?.registry === 'string' && typeof item?.image === 'string');
    }
    catch {
        return [];
    }
}
/** Candidates the main step left in a registry (it was killed): its run canceled, then removed. */
async function discardRegistryCandidates(candidates) {
    if (candidates.length === 0)
        return;
    const [{ AzCli }, { discardCandidate }] = await Promise.all([
        __webpack_require__.e(/* import() */ 735).then(__webpack_require__.bind(__webpack_require__, 1735)),
        Promise.all(/* import() */[__webpack_require__.e(838), __webpack_require__.e(248)]).then(__webpack_require__.bind(__webpack_require__, 7248)),
    ]);
    for (const candidate of candidates) {
        const az = new AzCli({ name: candidate.registry, resourceGroup: candidate.resourceGroup });
        await discardCandidate(az, candidate).catch((error) => warn(`Removing the candidate ${candidate.image} from ${candidate.registry}: ${error.message}`));
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
/* harmony export */   p6: () => (/* binding */ humanBytes),
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
/** "782 B", "1.2 kB", "40.1 MB": bytes in decimal units, as the summary's sizes. */
function humanBytes(bytes) {
    if (bytes < 1000)
        return `${bytes} B`;
    if (bytes < 1000 * 1000)
        return `${(bytes / 1000).toFixed(1)} kB`;
    return `${(bytes / 1000 / 1000).toFixed(1)} MB`;
}


/***/ })

};
