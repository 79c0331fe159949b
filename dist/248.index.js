export const id = 248;
export const ids = [248];
export const modules = {

/***/ 7248:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   candidateTag: () => (/* binding */ candidateTag),
/* harmony export */   discardCandidate: () => (/* binding */ discardCandidate),
/* harmony export */   promote: () => (/* binding */ promote)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _docker_reference_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2977);
/* harmony import */ var _step_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2687);
// The candidate: the image ACR built, under a tag of its own, until the smoke test passed. Then
// it is given the requested tags (`az acr import` inside the registry, no data leaves Azure) and
// its own tag is removed. A failed candidate is deleted, unless its manifest is also under
// another tag (an identical image a user already tagged): `az acr repository delete --image`
// deletes the manifest and every tag on it, so then only the candidate's tag is removed.




/** `repository:candidate-<run id>-<random>`, in the repository of the first tag. */
function candidateTag(firstTag, runId = process.env.GITHUB_RUN_ID, random = (0,node_crypto__WEBPACK_IMPORTED_MODULE_1__.randomBytes)(4).toString('hex')) {
    return `${repositoryOf(firstTag)}:candidate-${runId || 'local'}-${random}`;
}
function repositoryOf(image) {
    const reference = (0,_docker_reference_js__WEBPACK_IMPORTED_MODULE_2__/* .parseReference */ .F)(image);
    if (!reference)
        throw new Error(`"${image}" is not an image reference`);
    return reference.name;
}
function tagOf(image) {
    return (0,_docker_reference_js__WEBPACK_IMPORTED_MODULE_2__/* .parseReference */ .F)(image)?.tag ?? 'latest';
}
/** The candidate passed: every requested tag now names it, and its own tag is gone. */
async function promote(az, loginServer, candidate, tags) {
    for (const tag of tags)
        await az.importImage(`${loginServer}/${candidate}`, tag);
    await az.untag(candidate);
}
// How az says that a repository is not there (nothing was pushed): nothing to remove.
const NOT_THERE = /NAME_UNKNOWN|not found|not known/i;
/** Removes a candidate that did not pass: its run canceled first, if it may still be going. */
async function discardCandidate(az, candidate) {
    if (candidate.runId !== undefined) {
        await az
            .cancelRun(candidate.runId)
            .catch((error) => _actions_core__WEBPACK_IMPORTED_MODULE_0__.debug(`cancel-run: ${(0,_step_text_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(error)}`));
    }
    let tags;
    try {
        tags = await az.tags(repositoryOf(candidate.image));
    }
    catch (error) {
        if (NOT_THERE.test((0,_step_text_js__WEBPACK_IMPORTED_MODULE_3__/* .errorMessage */ .gJ)(error)))
            return;
        throw error;
    }
    const own = tags.find(({ name }) => name === tagOf(candidate.image));
    if (!own)
        return;
    const shared = tags.some(({ name, digest }) => name !== own.name && digest === own.digest);
    if (shared)
        await az.untag(candidate.image);
    else
        await az.deleteImage(candidate.image);
}


/***/ }),

/***/ 2977:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F: () => (/* binding */ parseReference),
/* harmony export */   v: () => (/* binding */ REFERENCE_RULE)
/* harmony export */ });
// Image references, checked against the grammar of distribution/reference (the one docker uses),
// so that a bad base-image or tag is refused before anything runs.
const alphaNumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|-+)';
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const referencePattern = new RegExp(`^(?<name>(?:${domain}/)?${pathComponent}(?:/${pathComponent})*)(?::(?<tag>${tag}))?(?:@(?<digest>${digest}))?$`);
const MAX_NAME_LENGTH = 255;
/** Parses a reference or returns undefined when it does not follow the grammar. */
function parseReference(text) {
    const match = referencePattern.exec(text);
    if (!match?.groups)
        return undefined;
    const { name, tag: tagPart, digest: digestPart } = match.groups;
    // A first component that looks like a host must really be one: 'Foo/bar' is not valid.
    if (name.length > MAX_NAME_LENGTH)
        return undefined;
    const [first, ...rest] = name.split('/');
    const firstIsDomain = rest.length > 0 && (/[.:]/.test(first) || first === 'localhost');
    if (!firstIsDomain && /[A-Z]/.test(first))
        return undefined;
    return { name, tag: tagPart, digest: digestPart };
}
const REFERENCE_RULE = 'an image reference: lowercase [registry/]path components, optional :tag ([\\w][\\w.-]{0,127}) and optional @digest';


/***/ })

};
