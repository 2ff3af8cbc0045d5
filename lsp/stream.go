package lsp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.lsp.dev/jsonrpc2"
)

// maxFrame bounds the body of one message. A larger frame is answered
// with an error instead of being read into memory.
const maxFrame = 64 << 20

// stream is the server's jsonrpc2.Stream: LSP header framing (the
// "Content-Length" header block, then the body) that survives bad input.
// jsonrpc2.Conn ends the connection on a frame it cannot decode; this
// stream answers such a frame itself, with the error response JSON-RPC
// asks for (parse error or invalid request, with the request's id when
// one can be read), and goes on with the next frame. Writes go through
// jsonrpc2's own header stream.
//
// Batches (a JSON array) are refused the same way: LSP has none, and
// their members would run concurrently, out of the order that document
// changes need.
type stream struct {
	in  *bufio.Reader
	out jsonrpc2.Stream // header framing over the same connection
	// rejected is told about each frame answered here (for logging).
	rejected func(reason string)
}

// frameStream is the part of jsonrpc2's internal frame interface that
// lets the connection classify frames itself.
type frameStream interface {
	ReadFrame(ctx context.Context) ([]byte, int64, error)
	WriteFrame(ctx context.Context, data []byte) (int64, error)
}

func newStream(rwc io.ReadWriteCloser, rejected func(string)) *stream {
	if rejected == nil {
		rejected = func(string) {}
	}
	return &stream{in: bufio.NewReader(rwc), out: jsonrpc2.NewHeaderStream(rwc), rejected: rejected}
}

// Read implements jsonrpc2.Stream.
func (s *stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	body, n, err := s.ReadFrame(ctx)
	if err != nil {
		return nil, 0, err
	}
	msg, err := jsonrpc2.DecodeMessage(body)
	return msg, n, err
}

// ReadFrame returns the body of the next frame that jsonrpc2 can decode,
// answering the others.
func (s *stream) ReadFrame(ctx context.Context) ([]byte, int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		body, n, err := s.readFrame()
		if err != nil {
			return nil, 0, err
		}
		if body == nil {
			continue // a skipped frame, already answered
		}
		if rerr := checkFrame(body); rerr != nil {
			s.reject(ctx, body, rerr)
			continue
		}
		return body, n, nil
	}
}

// readFrame reads one header block and body. A header block that makes no
// sense is skipped up to the next blank line; a body that is too large is
// discarded. Both return a nil body and no error.
func (s *stream) readFrame() ([]byte, int64, error) {
	length, consumed, err := s.readHeader()
	if err != nil {
		return nil, 0, err
	}
	if length < 0 {
		s.rejected("bad header")
		s.writeError(context.Background(), jsonrpc2.ID{}, jsonrpc2.ErrParse.Code, "bad message header")
		return nil, 0, nil
	}
	if length > maxFrame {
		// Refuse at once rather than read (or wait for) that much: the
		// body, if it comes, is skipped as garbage up to the next header.
		s.rejected("frame too large")
		s.writeError(context.Background(), jsonrpc2.ID{}, jsonrpc2.ParseError,
			fmt.Sprintf("message of %d bytes is larger than %d", length, maxFrame))
		return nil, 0, nil
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(s.in, body); err != nil {
		return nil, 0, unexpected(err)
	}
	return body, int64(consumed + length), nil
}

// readHeader reads a header block and returns the content length, or -1
// if the block has no usable Content-Length. Lines other than
// Content-Length, garbage included, are ignored, so that a frame that
// follows garbage is still read.
func (s *stream) readHeader() (length, consumed int, err error) {
	length = -1
	header := false // a non-blank line was read
	for {
		line, err := s.in.ReadString('\n')
		consumed += len(line)
		if err != nil {
			if errors.Is(err, io.EOF) && header {
				err = io.ErrUnexpectedEOF
			}
			return 0, consumed, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			if !header {
				continue // stray blank lines between frames
			}
			return length, consumed, nil
		}
		header = true
		name, value, ok := strings.Cut(line, ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			continue // other headers (Content-Type) and garbage
		}
		if n, err := strconv.Atoi(strings.TrimSpace(value)); err == nil && n > 0 {
			length = n
		}
	}
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// checkFrame returns the error to answer a frame with, or nil if
// jsonrpc2 can take it.
func checkFrame(body []byte) *jsonrpc2.Error {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if !json.Valid(body) {
			return jsonrpc2.ErrParse
		}
		return jsonrpc2.NewError(jsonrpc2.InvalidRequest, "batch requests are not supported")
	}
	if _, err := jsonrpc2.DecodeMessage(body); err != nil {
		var rerr *jsonrpc2.Error
		if errors.As(err, &rerr) {
			return rerr
		}
		return jsonrpc2.NewError(jsonrpc2.ParseError, err.Error())
	}
	return nil
}

// reject answers a frame that jsonrpc2 cannot take. The response carries
// the frame's id when it has a usable one; JSON-RPC says null otherwise.
// Notifications (a method and no id) get no answer.
func (s *stream) reject(ctx context.Context, body []byte, rerr *jsonrpc2.Error) {
	s.rejected(rerr.Message)
	var head struct {
		ID     json.RawMessage `json:"id"`
		Method json.RawMessage `json:"method"`
	}
	id := jsonrpc2.ID{}
	if json.Unmarshal(body, &head) == nil {
		if len(head.Method) > 0 && len(head.ID) == 0 && rerr.Code != jsonrpc2.ParseError {
			return
		}
		id = parseID(head.ID)
	}
	s.writeError(ctx, id, rerr.Code, rerr.Message)
}

// parseID returns a JSON-RPC id (a number or a string), or the zero ID.
func parseID(raw json.RawMessage) jsonrpc2.ID {
	var n int64
	if json.Unmarshal(raw, &n) == nil {
		return jsonrpc2.NewNumberID(n)
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return jsonrpc2.NewStringID(str)
	}
	return jsonrpc2.ID{}
}

func (s *stream) writeError(ctx context.Context, id jsonrpc2.ID, code jsonrpc2.Code, msg string) {
	_, _ = s.out.Write(ctx, jsonrpc2.NewResponse(id, nil, jsonrpc2.NewError(code, msg)))
}

// Write implements jsonrpc2.Stream.
func (s *stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	return s.out.Write(ctx, msg)
}

// WriteFrame writes an encoded message (jsonrpc2's batch path).
func (s *stream) WriteFrame(ctx context.Context, data []byte) (int64, error) {
	if fs, ok := s.out.(frameStream); ok {
		return fs.WriteFrame(ctx, data)
	}
	msg, err := jsonrpc2.DecodeMessage(data)
	if err != nil {
		return 0, err
	}
	return s.out.Write(ctx, msg)
}

// Close implements jsonrpc2.Stream.
func (s *stream) Close() error { return s.out.Close() }

// ---------------------------------------------------------------------------
// Codec

// codec marshals params and results with encoding/json: the protocol
// types carry encoding/json tags, and their omitempty fields (severity,
// version, kind ...) must be left out when zero, as encoding/json does and
// jsonrpc2's default encoding/json/v2 codec does not.
type codec struct{}

// Marshal implements jsonrpc2.Codec.
func (codec) Marshal(v any) ([]byte, error) {
	switch r := v.(type) {
	case jsonrpc2.RawMessage:
		return r, nil
	case json.RawMessage:
		return r, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Unmarshal implements jsonrpc2.Codec.
func (codec) Unmarshal(data []byte, v any) error {
	switch r := v.(type) {
	case *jsonrpc2.RawMessage:
		*r = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	case *json.RawMessage:
		*r = append(json.RawMessage(nil), data...)
		return nil
	}
	return json.Unmarshal(data, v)
}
