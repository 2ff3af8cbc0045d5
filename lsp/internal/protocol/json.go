package protocol

import (
	"bytes"
	"encoding/json"
)

// marshal encodes v as the MarshalJSON methods of this package return it:
// without escaping <, > and & (the JSON is for a language client, not a
// web page; the text of programs is full of -> and <), and without a
// trailing newline.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
