package probes

import (
	"strconv"
	"strings"
)

// Substitute replaces the positional parameters ($1, $2, ...) outside
// double quotes in an attach point's raw text with params[0], params[1],
// ...; a parameter that was not given becomes "" (the checker warns about
// that, as for $N in expressions). A '$' not followed by a digit 1-9 is an
// error: quote the part if the '$' is meant literally.
func Substitute(raw string, params []string) (string, error) {
	if !strings.Contains(raw, "$") {
		return raw, nil
	}
	var b strings.Builder
	inQuote := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote && c == '\\' && i+1 < len(raw):
			b.WriteByte(c)
			i++
			c = raw[i]
		case !inQuote && c == '$':
			n, end, err := positional(raw, i)
			if err != nil {
				return "", err
			}
			if n <= len(params) {
				b.WriteString(params[n-1])
			}
			i = end - 1
			continue
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

// positional parses the parameter starting with the '$' at raw[i] and
// returns its number and the offset after it.
func positional(raw string, i int) (n, end int, err error) {
	end = i + 1
	for end < len(raw) && raw[end] >= '0' && raw[end] <= '9' {
		end++
	}
	digits := raw[i+1 : end]
	switch {
	case digits == "" && end == len(raw):
		return 0, 0, errorf(CodePositional, "'$' at the end of attach point %q is not a positional parameter", raw).at(i, end)
	case digits == "":
		return 0, 0, errorf(CodePositional, "invalid character %q after '$' in attach point %q", raw[end:end+1], raw).
			at(i, end+1).hint("quote the part if it is meant literally, e.g. \"$%s\"", raw[end:end+1])
	case digits[0] == '0':
		return 0, 0, errorf(CodePositional, "$%s is not a positional parameter: they are numbered from $1", digits).at(i, end)
	}
	n, convErr := strconv.Atoi(digits)
	if convErr != nil {
		return 0, 0, errorf(CodePositional, "positional parameter $%s is out of range", digits).at(i, end)
	}
	return n, end, nil
}
