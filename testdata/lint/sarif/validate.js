// Validates SARIF logs against the SARIF 2.1.0 JSON schema.
//
//   npm ci && node validate.js FILE.sarif...
//
// The schema is the OASIS one (sarif-2.1.0-rtm.5, draft-04) as shipped in
// @microsoft/jest-sarif; ajv-draft-04 understands draft-04. The schema's
// language-tag pattern is not a valid Unicode regular expression, hence
// unicodeRegExp: false. Exit status 1 lists the errors.
"use strict";
const fs = require("fs");
const Ajv = require("ajv-draft-04");
const addFormats = require("ajv-formats");
const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);
let failed = false;
for (const file of process.argv.slice(2)) {
  const log = JSON.parse(fs.readFileSync(file, "utf8"));
  if (validate(log)) {
    console.log(`${file}: valid SARIF ${log.version}`);
    continue;
  }
  failed = true;
  for (const e of validate.errors.slice(0, 20)) {
    console.error(`${file}: ${e.instancePath || "/"}: ${e.message} ${JSON.stringify(e.params)}`);
  }
}
process.exit(failed ? 1 : 0);
