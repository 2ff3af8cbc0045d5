package diag

// Codes for probes, attach points and probe context (E5xx, W5xx). Owned by lang/probes.
var probeCodes = []CodeInfo{}
