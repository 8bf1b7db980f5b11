package upload

import (
	"errors"
	"testing"
)

// ASVS 5.2.7: SVG (scriptable XML) is never accepted, however it starts.
func TestDetectSVGASVS527(t *testing.T) {
	for name, data := range map[string][]byte{
		"svg":                 []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`),
		"svg with prolog":     []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
		"svg after a BOM":     append([]byte{0xEF, 0xBB, 0xBF}, []byte(`<svg/>`)...),
		"svg after spaces":    []byte("\n\t <svg/>"),
		"svgz (gzip)":         {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03},
		"svg inside html":     []byte(`<!DOCTYPE html><svg/>`),
		"PDF magic not first": []byte(" %PDF-1.7\n%%EOF"),
	} {
		if kind, err := Detect(data); kind != "" || !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s: %q, %v; want refused as unsupported", name, kind, err)
		}
	}
}
